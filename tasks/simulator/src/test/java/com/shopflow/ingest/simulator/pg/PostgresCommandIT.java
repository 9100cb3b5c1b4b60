package com.shopflow.ingest.simulator.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged {@code postgres} command serves shop and warehouse with password auth and stops cleanly on SIGTERM. */
class PostgresCommandIT {
    static final String PASSWORD = "Sim-pg-canary-91x";

    @TempDir
    Path tmp;

    @Test
    void shouldServeBothDatabasesUntilTerminatedAndReuseItsDataDirectory() throws Exception {
        Path data = tmp.resolve("data");
        String line = startQueryStop(data, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('survives a restart')");
            }
        });
        assertFalse(line.contains(PASSWORD), "no password in the output");
        assertEquals("postgres", Json.field(line, "user"));
        assertEquals("localhost", Json.field(line, "host"));
        assertTrue(Files.exists(data.resolve("PG_VERSION")), "the data directory is kept");
        assertEquals(tmp.resolve("data.log").toString(), Json.field(line, "server_log"));
        assertTrue(Files.readString(tmp.resolve("data.log")).contains("database system is ready"), "the server's output is in its log");

        startQueryStop(data, c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
                assertTrue(rs.next());
                assertEquals("survives a restart", rs.getString(1));
            }
        });
    }

    @Test
    void shouldSayThePortIsTakenInsteadOfWaitingForTheServer() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            for (String[] command : List.of(new String[] {"postgres"}, new String[] {"db", "start-postgres"})) {
                List<String> args = new java.util.ArrayList<>(List.of(command));
                args.addAll(List.of("--password-env", "SIM_PG_PASSWORD", "--port", Integer.toString(port)));
                AppProcess.Result r = AppProcess.fromSystemProperty().env("SIM_PG_PASSWORD", PASSWORD)
                        .run(Duration.ofSeconds(60), args.toArray(String[]::new));
                assertEquals(2, r.exitCode(), r.toString());
                assertEquals("simulator postgres failed: port " + port + " on 127.0.0.1 is already taken by another program (another "
                        + "PostgreSQL or simulator?): stop it or choose another --port (0: any free port)", r.firstStderrLine(), r.toString());
                assertEquals("", r.stdout().strip(), "no JSON line for a server that is not running");
            }
        }
    }

    @Test
    void shouldNameTheServersOwnReasonWhenPostgresCannotStart() throws Exception {
        // A data directory that looks initialised to the launcher and pg_ctl, but that the server refuses.
        Path data = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(data.resolve("postgresql.conf"), "");
        Files.writeString(data.resolve("PG_VERSION"), "9.6\n");
        AppProcess.Result r = AppProcess.fromSystemProperty().env("SIM_PG_PASSWORD", PASSWORD)
                .run(Duration.ofSeconds(90), "postgres", "--password-env", "SIM_PG_PASSWORD", "--data-dir", data.toString());
        assertEquals(1, r.exitCode(), r.toString());
        String line = r.firstStderrLine();
        assertTrue(line.startsWith("simulator postgres failed: PostgreSQL did not start: FATAL: "), line);
        assertTrue(line.contains("9.6") || line.contains("permissions"), "the server's own reason: " + line);
        assertTrue(line.endsWith("(server log: " + tmp.resolve("broken.log") + ")"), line);
        assertTrue(Files.readString(tmp.resolve("broken.log")).contains("FATAL"), "the full log is kept");
        assertFalse(line.contains("Gave up waiting"), "the launcher's timeout is not the cause: " + line);
    }

    interface ShopWork {
        void run(Connection shop) throws SQLException;
    }

    private String startQueryStop(Path data, ShopWork work) throws Exception {
        AppProcess.Running run = AppProcess.fromSystemProperty().env("SIM_PG_PASSWORD", PASSWORD)
                .start("db", "start-postgres", "--password-env", "SIM_PG_PASSWORD", "--data-dir", data.toString());
        try {
            assertTrue(run.awaitOutput(s -> s.contains("warehouse_url"), Duration.ofSeconds(120)), "no JSON line: " + run.stdoutSoFar());
            List<String> lines = run.stdoutSoFar().strip().lines().toList();
            assertEquals(1, lines.size(), "exactly one line on stdout: " + lines);
            String line = lines.get(0);
            String shop = Json.field(line, "shop_url");
            String warehouse = Json.field(line, "warehouse_url");
            assertEquals("jdbc:postgresql://localhost:" + Json.longField(line, "port") + "/shop", shop);
            try (Connection c = DriverManager.getConnection(shop, "postgres", PASSWORD)) {
                assertEquals("shop", single(c, "SELECT current_database()"));
                work.run(c);
            }
            try (Connection c = DriverManager.getConnection(warehouse, "postgres", PASSWORD)) {
                assertEquals("warehouse", single(c, "SELECT current_database()"));
            }
            SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(shop, "postgres", "wrong"));
            assertEquals("28P01", refused.getSQLState(), "password authentication is enforced");

            ProcessHandle.of(run.pid()).ifPresent(ProcessHandle::destroy); // SIGTERM, as docker stop or Ctrl-C
            run.await(Duration.ofSeconds(60));
            assertFalse(Files.exists(data.resolve("postmaster.pid")), "the server stopped cleanly");
            assertThrows(SQLException.class, () -> DriverManager.getConnection(shop, "postgres", PASSWORD));
            return line;
        } finally {
            if (run.isAlive()) {
                run.kill();
            }
            stopOrphanServer(data);
        }
    }

    /** After a failed test, a server whose launcher was killed would outlive the test. */
    private static void stopOrphanServer(Path data) throws Exception {
        Path pid = data.resolve("postmaster.pid");
        if (Files.exists(pid)) {
            long p = Long.parseLong(Files.readAllLines(pid).get(0).trim());
            ProcessHandle.of(p).ifPresent(ProcessHandle::destroy);
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
