package com.shopflow.ingest.db;

import static com.shopflow.ingest.db.SourceFixture.DAY1;
import static com.shopflow.ingest.db.SourceFixture.DAY2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import com.shopflow.ingest.testkit.PostgresServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 15 through the packaged extract-db and a real PostgreSQL: the exit code tells the truth, nothing is skipped silently. */
class HostileInputIT {

    /** Finding 9: instants PostgreSQL or the tasks cannot compute with are usage errors, not exit 1. */
    @Test
    void outOfRangeIntervalsAreUsageErrors() throws Exception {
        SourceFixture f = new SourceFixture("hostile_range");
        AppProcess app = f.app();
        List<String[]> intervals = List.of(
                new String[] {"0000-01-01T00:00:00Z", DAY2.toString()},
                new String[] {"-0100-01-01T00:00:00Z", DAY2.toString()},
                new String[] {"-999999999-01-01T00:00:00Z", DAY2.toString()},
                new String[] {"1000-01-01T00:00:00Z", DAY2.toString()},
                new String[] {DAY1.toString(), "+294277-01-01T00:00:00Z"},
                new String[] {DAY1.toString(), "+10000-01-01T00:00:00Z"},
                new String[] {DAY1.toString(), "+999999999-12-31T23:59:59Z"},
                new String[] {DAY1.toString(), "+999999999-12-31T23:59:59-18:00"});
        for (String[] iv : intervals) {
            AppProcess.Result r = app.run("--table", "orders", "--start", iv[0], "--end", iv[1]);
            assertEquals(2, r.exitCode(), String.join(" ", iv) + ": " + r);
            assertTrue(r.firstStderrLine().contains("outside the range"), r.firstStderrLine());
        }
    }

    /** Finding 11: a URL the driver cannot parse, or one with credentials before the host, is a configuration error at once. */
    @Test
    void unparsableSourceUrlsAreConfigurationErrors() throws Exception {
        SourceFixture f = new SourceFixture("hostile_url");
        String good = f.pg.jdbcUrl(f.source);
        for (String url : List.of(good + "%zz", good + "?password=%zz", good.replace(":" + f.pg.port() + "/", ":99999/"),
                good.replace("jdbc:postgresql://", "jdbc:postgresql://postgres:" + PostgresServer.PASSWORD + "@"))) {
            AppProcess.Result r = f.app().env("SOURCE_DB_URL", url)
                    .run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString());
            assertEquals(2, r.exitCode(), url + ": " + r);
            assertTrue(r.firstStderrLine().contains("SOURCE_DB_URL"), r.firstStderrLine());
            assertFalse(r.stdout().contains(PostgresServer.PASSWORD) || r.stderr().contains(PostgresServer.PASSWORD), r.toString());
        }
    }

    /** Finding 12: --dry-run takes the run's schema decision: a dropped column under the default policy is exit 4 in both. */
    @Test
    void dryRunRefusesADroppedColumnAsTheRunDoes() throws Exception {
        SourceFixture f = new SourceFixture("hostile_dry");
        f.orders(1, 30);
        AppProcess app = f.app();
        assertEquals(0, app.run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString()).exitCode());
        f.sql(f.source, "ALTER TABLE orders DROP COLUMN status");
        AppProcess.Result dry = app.run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString(), "--dry-run");
        AppProcess.Result run = app.run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString());
        assertEquals(4, run.exitCode(), run.toString());
        assertEquals(4, dry.exitCode(), dry.toString());
        assertTrue(dry.firstStderrLine().contains("status"), dry.firstStderrLine());
        AppProcess.Result nullFill = app.env("INGEST_SCHEMA_POLICY_ORDERS", "null-fill")
                .run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString(), "--dry-run");
        assertEquals(0, nullFill.exitCode(), nullFill.toString());
    }

    /** Finding 14: rows whose cursor is NULL, infinity or -infinity belong to no interval: counted, logged and summarized. */
    @Test
    void rowsInNoIntervalAreCountedInTheRunAndTheDryRun() throws Exception {
        SourceFixture f = new SourceFixture("hostile_cursor");
        f.orders(1, 30);
        f.sql(f.source, "ALTER TABLE orders ALTER COLUMN updated_at DROP NOT NULL; "
                + "INSERT INTO orders SELECT g, 1, 'new', 'EUR', 1, now(), now(), NULL FROM generate_series(1001, 1002) g; "
                + "INSERT INTO orders VALUES (1003, 1, 'new', 'EUR', 1, now(), now(), 'infinity'), "
                + "(1004, 1, 'new', 'EUR', 1, now(), now(), '-infinity')");
        AppProcess app = f.app();
        AppProcess.Result run = app.run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(4, Json.longField(run.lastStdoutLine(), "rows_without_interval"), run.lastStdoutLine());
        String log = run.stdout() + run.stderr();
        assertTrue(log.contains("4 rows of public.orders have updated_at NULL, infinity or -infinity"), log);
        AppProcess.Result dry = app.run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString(), "--dry-run");
        assertEquals(0, dry.exitCode(), dry.toString());
        assertEquals(4, Json.longField(dry.lastStdoutLine(), "rows_without_interval"), dry.lastStdoutLine());
    }

    /** Finding 12: the landing reads the typed ingest.landing.progress-seconds (INGEST_LANDING_PROGRESS_SECONDS), not a -D property. */
    @Test
    void progressIntervalIsTheTypedSetting() throws Exception {
        SourceFixture f = new SourceFixture("hostile_progress");
        f.orders(1, 10);
        AppProcess.Result r = f.app().env("INGEST_LANDING_PROGRESS_SECONDS", "0")
                .run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("INGEST_LANDING_PROGRESS_SECONDS"), r.firstStderrLine());
    }
}
