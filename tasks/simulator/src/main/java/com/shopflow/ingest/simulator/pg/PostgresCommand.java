package com.shopflow.ingest.simulator.pg;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Redaction;
import com.shopflow.ingest.simulator.db.DbLogin;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code simulator postgres}: starts a real PostgreSQL with the databases {@code shop} and {@code warehouse},
 * prints one JSON line (host, port, user, the two JDBC URLs, data directory and server log; never the password) and
 * serves until SIGTERM or SIGINT, when a shutdown hook stops the server cleanly.
 */
@Command(name = "postgres", mixinStandardHelpOptions = true,
        description = "Runs an embedded PostgreSQL with databases shop and warehouse until SIGTERM/SIGINT.")
public class PostgresCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "0", description = "TCP port (default: a free one)")
    int port;

    @Option(names = "--data-dir", description = "data directory, kept and reused (default: a temporary one, removed at stop)")
    Path dataDir;

    @Option(names = "--password-env", defaultValue = "SOURCE_DB_PASSWORD", paramLabel = "VAR",
            description = "environment variable holding the password to set for user postgres (default: ${DEFAULT-VALUE})")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "file holding the password (instead of --password-env)")
    Path passwordFile;

    @Override
    public Integer call() throws InterruptedException {
        LocalPostgres pg;
        try {
            String password = DbLogin.password(passwordFile, passwordEnv);
            pg = LocalPostgres.start(port, dataDir, password);
        } catch (IngestException e) {
            System.err.println("simulator postgres failed: " + e.getMessage());
            return e.code().exitCode();
        } catch (Exception e) {
            System.err.println("simulator postgres failed: could not start PostgreSQL: " + Redaction.scrub(String.valueOf(e.getMessage())));
            return ErrorCode.INTERNAL.exitCode();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (IOException e) {
                System.err.println("simulator postgres: stopping the server failed: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "postgres-stop"));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("host", pg.host());
        out.put("port", pg.port());
        out.put("user", LocalPostgres.USER);
        out.put("shop_url", pg.jdbcUrl("shop"));
        out.put("warehouse_url", pg.jdbcUrl("warehouse"));
        out.put("data_dir", pg.dataDir().toString());
        out.put("server_log", pg.serverLog().toString());
        System.out.println(out);
        System.out.flush();
        // Serve until the JVM is asked to stop; the hook above then stops the server.
        stopped.await();
        return 0;
    }
}
