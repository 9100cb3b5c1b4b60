package com.shopflow.ingest.simulator.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import com.shopflow.ingest.testkit.PostgresServer;
import java.sql.Connection;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The packaged {@code db} command: fill, play, truth, and its failures, with the password only in the environment. */
class DbCommandIT {
    @Test
    void shouldFillPlayAndTellTheTruth() throws Exception {
        PostgresServer pg = PostgresServer.shared();
        String url = pg.createDatabase("sim_cli");
        AppProcess app = AppProcess.fromSystemProperty().env("SOURCE_DB_PASSWORD", PostgresServer.PASSWORD);

        AppProcess.Result fill = app.run("db", "--url", url, "--user", "postgres", "fill", "--orders", "500", "--days", "3", "--seed", "4");
        assertEquals(0, fill.exitCode(), fill.toString());
        assertEquals(500, Json.longField(fill.lastStdoutLine(), "orders"));
        assertEquals(100, Json.longField(fill.lastStdoutLine(), "customers"));
        assertFalse(fill.stdout().contains(PostgresServer.PASSWORD) || fill.stderr().contains(PostgresServer.PASSWORD));

        AppProcess.Result play = app.run("db", "play", "--url", url, "--user", "postgres", "--first-day", "2026-11-04", "--days", "2",
                "--day-orders", "20", "--discount-day", "2026-11-05", "--late-commit", "2", "--seed", "4");
        assertEquals(0, play.exitCode(), play.toString());
        assertEquals(4, Json.longField(play.lastStdoutLine(), "late_committed_orders"));

        AppProcess.Result truth = app.run("db", "truth", "--url", url, "--user", "postgres", "--table", "orders",
                "--start", "2026-11-05T00:00:00Z", "--end", "2026-11-06T00:00:00+00:00");
        assertEquals(0, truth.exitCode(), truth.toString());
        try (Connection c = pg.connect("sim_cli")) {
            TableTruth t = TableTruth.source(c, "orders", Instant.parse("2026-11-05T00:00:00Z"), Instant.parse("2026-11-06T00:00:00Z"));
            assertEquals(t.count(), Json.longField(truth.lastStdoutLine(), "rows"));
            assertEquals(t.checksum(), Json.field(truth.lastStdoutLine(), "checksum"));
            assertTrue(t.columns().contains("discount"));
        }
    }

    @Test
    void shouldExitTwoOnAWrongOrMissingPasswordOrAnUnknownAction() throws Exception {
        String url = PostgresServer.shared().jdbcUrl("postgres");
        AppProcess.Result wrong = AppProcess.fromSystemProperty().env("SOURCE_DB_PASSWORD", "not-the-password-77")
                .run("db", "--url", url, "--user", "postgres", "create");
        assertEquals(2, wrong.exitCode(), wrong.toString());
        assertTrue(wrong.firstStderrLine().contains("refused the login"), wrong.firstStderrLine());
        assertFalse(wrong.stderr().contains("not-the-password-77") || wrong.stderr().contains("\tat "), "no secret, no stack trace");

        AppProcess.Result missing = AppProcess.fromSystemProperty().run("db", "--url", url, "--user", "postgres", "create");
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.firstStderrLine().contains("SOURCE_DB_PASSWORD"), missing.firstStderrLine());

        AppProcess.Result unknown = AppProcess.fromSystemProperty().env("SOURCE_DB_PASSWORD", PostgresServer.PASSWORD)
                .run("db", "--url", url, "--user", "postgres", "drop");
        assertEquals(2, unknown.exitCode(), unknown.toString());
    }
}
