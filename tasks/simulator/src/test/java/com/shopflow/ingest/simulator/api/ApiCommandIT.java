package com.shopflow.ingest.simulator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.shopflow.ingest.testkit.AppProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The packaged {@code api} command on a port another program holds: a one-line reason and exit 2, no JSON line. */
class ApiCommandIT {
    @Test
    void shouldSayThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            AppProcess.Result r = AppProcess.fromSystemProperty().env("SIM_API_TOKEN", "sim-token")
                    .run(Duration.ofSeconds(60), "api", "--token-env", "SIM_API_TOKEN", "--products", "10", "--port", Integer.toString(port));
            assertEquals(2, r.exitCode(), r.toString());
            assertEquals("simulator api: the products API could not listen on 127.0.0.1:" + port + ": the port is already taken by another "
                    + "program (an earlier simulator api?); stop it or choose another --port (0: any free port)", r.firstStderrLine(), r.toString());
            assertEquals("", r.stdout().strip(), r.toString());
        }
    }
}
