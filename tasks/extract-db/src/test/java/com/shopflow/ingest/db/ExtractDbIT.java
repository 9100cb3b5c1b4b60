package com.shopflow.ingest.db;

import static com.shopflow.ingest.db.SourceFixture.DAY1;
import static com.shopflow.ingest.db.SourceFixture.DAY2;
import static com.shopflow.ingest.db.SourceFixture.DAY3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.cli.RunSummary;
import com.shopflow.ingest.core.landing.PartitionNames;
import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import com.shopflow.ingest.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** extract-db through its command line, against real PostgreSQL: landing, idempotency, drift, late commits, locking. */
class ExtractDbIT {
    static final String ORDER_COLS = "id, customer_id, status, currency, total_amount, placed_at, created_at, updated_at";

    static String[] args(String table, java.time.Instant s, java.time.Instant e) {
        return new String[] {"--table", table, "--start", s.toString(), "--end", e.toString()};
    }

    @Test
    void landsTheIntervalAndARerunGivesAnIdenticalPartition() throws Exception {
        SourceFixture f = new SourceFixture("land");
        f.orders(1, 3000);
        AppProcess app = f.app().env("INGEST_LANDING_CHUNK_ROWS", "700");
        AppProcess.Result r = app.run(args("orders", DAY1, DAY2));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(f.sourceTruth("orders", ORDER_COLS, DAY1, DAY2), f.landed("orders", ORDER_COLS, DAY1, DAY2));
        assertEquals(f.scalar(f.source, "SELECT count(*) FROM orders WHERE updated_at < '" + DAY2 + "'"), Json.longField(r.lastStdoutLine(), "rows"));
        assertEquals("landed", Json.field(r.lastStdoutLine(), "outcome"));
        assertEquals(RunSummary.FIELDS, Json.keys(r.lastStdoutLine()), r.lastStdoutLine());
        String partition = "raw_partitions." + PartitionNames.of("orders", Interval.parse(DAY1.toString(), DAY2.toString())).published();
        assertEquals(partition, Json.field(r.lastStdoutLine(), "partition"));
        assertEquals(1, Json.longField(r.lastStdoutLine(), "attempt"), "the first ledger attempt of this partition");
        assertEquals("null", Json.field(r.lastStdoutLine(), "try_number"), "no orchestrator try number given");
        String first = f.partition("orders", DAY1, DAY2);

        assertEquals(0, app.run(args("orders", DAY2, DAY3)).exitCode());
        String other = f.partition("orders", DAY2, DAY3);
        AppProcess.Result again = app.env("AIRFLOW_CTX_TRY_NUMBER", "3").run(args("orders", DAY1, DAY2));
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals(2, Json.longField(again.lastStdoutLine(), "attempt"), "the second ledger row of this partition");
        assertEquals(3, Json.longField(again.lastStdoutLine(), "try_number"), "Airflow's try, from AIRFLOW_CTX_TRY_NUMBER");
        assertEquals(first, f.partition("orders", DAY1, DAY2), "re-run must give an identical partition, metadata included");
        assertEquals(other, f.partition("orders", DAY2, DAY3), "other partitions are untouched");
        assertEquals(2, f.scalar(f.warehouse, "SELECT count(*) FROM _ingest.load_run WHERE target = 'raw.orders' AND interval_start = '"
                + DAY1 + "' AND status = 'succeeded'"));
        assertEquals(0, f.scalar(f.warehouse, "SELECT count(*) FROM _ingest.checkpoint"), "no checkpoint left after publish");
    }

    @Test
    void aChangedSourceReplacesThePartitionAtomicallyAndKeepsOneRowPerId() throws Exception {
        SourceFixture f = new SourceFixture("replace");
        f.orders(1, 500);
        AppProcess app = f.app();
        assertEquals(0, app.run(args("orders", DAY1, DAY2)).exitCode());
        f.sql(f.source, "UPDATE orders SET status = 'refunded', updated_at = updated_at + interval '1 second' WHERE id % 10 = 0");
        f.sql(f.source, "INSERT INTO orders VALUES (999999, 1, 'new', 'EUR', 1.00, '" + DAY1 + "', '" + DAY1 + "', '" + DAY1.plusSeconds(5) + "')");
        AppProcess.Result r = app.run(args("orders", DAY1, DAY2));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(f.sourceTruth("orders", ORDER_COLS, DAY1, DAY2), f.landed("orders", ORDER_COLS, DAY1, DAY2));
        assertEquals(0, f.scalar(f.warehouse, "SELECT count(*) FROM (SELECT id FROM raw.orders GROUP BY id, _interval_start, _interval_end "
                + "HAVING count(*) > 1) d"));
    }

    @Test
    void aColumnAddedInTheSourceLandsOnTheNextRunAndIsRecorded() throws Exception {
        SourceFixture f = new SourceFixture("drift");
        f.orders(1, 200);
        AppProcess app = f.app();
        assertEquals(0, app.run(args("orders", DAY1, DAY2)).exitCode());
        f.sql(f.source, "ALTER TABLE orders ADD COLUMN discount numeric(12,2); UPDATE orders SET discount = 0.50 WHERE updated_at >= '" + DAY2 + "'");
        AppProcess.Result r = app.run(args("orders", DAY2, DAY3));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(2, Json.longField(r.lastStdoutLine(), "schema_version"));
        assertEquals(f.sourceTruth("orders", ORDER_COLS + ", discount", DAY2, DAY3), f.landed("orders", ORDER_COLS + ", discount", DAY2, DAY3));
        assertEquals(0, f.scalar(f.warehouse, "SELECT count(discount) FROM raw.orders WHERE _interval_start = '" + DAY1 + "'"),
                "older partitions read NULL");
        assertEquals("numeric(12,2)", f.text(f.warehouse, "SELECT column_type FROM _ingest.schema_history WHERE change = 'add_column' AND column_name = 'discount'"));
    }

    @Test
    void aDroppedColumnFailsWithTheWayOutUnlessThePolicyAllowsIt() throws Exception {
        SourceFixture f = new SourceFixture("dropped");
        f.orders(1, 100);
        AppProcess app = f.app();
        assertEquals(0, app.run(args("orders", DAY1, DAY2)).exitCode());
        String before = f.partition("orders", DAY1, DAY2);
        f.sql(f.source, "ALTER TABLE orders DROP COLUMN placed_at");
        AppProcess.Result r = app.run(args("orders", DAY1, DAY2));
        assertEquals(4, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("placed_at") && r.firstStderrLine().contains("INGEST_SCHEMA_POLICY_ORDERS"), r.firstStderrLine());
        assertEquals(before, f.partition("orders", DAY1, DAY2), "nothing published");
        AppProcess.Result tolerant = f.app().env("INGEST_SCHEMA_POLICY_ORDERS", "null-fill").run(args("orders", DAY1, DAY2));
        assertEquals(0, tolerant.exitCode(), tolerant.toString());
        assertEquals(0, f.scalar(f.warehouse, "SELECT count(placed_at) FROM raw.orders WHERE _interval_start = '" + DAY1 + "'"));
    }

    @Test
    void aLateCommitReachesTheWarehouseWhenTheIntervalIsLandedAgain() throws Exception {
        SourceFixture f = new SourceFixture("late");
        f.orders(1, 100);
        AppProcess app = f.app();
        try (Connection late = f.pg.connect(f.source)) {
            late.setAutoCommit(false);
            try (Statement s = late.createStatement()) {
                s.execute("INSERT INTO orders VALUES (424242, 7, 'new', 'EUR', 9.99, '" + DAY1 + "', '" + DAY1.plusSeconds(60) + "', '"
                        + DAY1.plusSeconds(60) + "')");
            }
            assertEquals(0, app.run(args("orders", DAY1, DAY2)).exitCode());
            assertEquals(0, f.scalar(f.warehouse, "SELECT count(*) FROM raw.orders WHERE id = 424242"));
            late.commit();
        }
        // The DAG re-lands trailing intervals; idempotent replace makes that safe.
        assertEquals(0, app.run(args("orders", DAY1, DAY2)).exitCode());
        assertEquals(1, f.scalar(f.warehouse, "SELECT count(*) FROM raw.orders WHERE id = 424242"));
        assertEquals(f.sourceTruth("orders", ORDER_COLS, DAY1, DAY2), f.landed("orders", ORDER_COLS, DAY1, DAY2));
    }

    @Test
    void aRunWaitsForTheHolderOfThePartitionAndThenGivesUpClearly() throws Exception {
        SourceFixture f = new SourceFixture("locked");
        f.orders(1, 100);
        try (Connection zombie = f.pg.connect(f.warehouse); PreparedStatement ps = zombie.prepareStatement(
                "SELECT pg_advisory_lock(hashtextextended(?, 11))")) {
            ps.setString(1, "partition:raw.orders|" + DAY1 + "|" + DAY2);
            ps.execute();
            AppProcess.Result r = f.app().env("INGEST_LANDING_LOCK_WAIT_SECONDS", "1").run(args("orders", DAY1, DAY2));
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.firstStderrLine().contains("another run of raw.orders"), r.firstStderrLine());
        }
        assertEquals(0, f.app().run(args("orders", DAY1, DAY2)).exitCode(), "the lock dies with its holder's connection");
    }

    @Test
    void twoRunsOfOnePartitionAtOnceLeaveItCorrect() throws Exception {
        SourceFixture f = new SourceFixture("concurrent");
        f.orders(1, 20000);
        AppProcess app = f.app().env("INGEST_LANDING_CHUNK_ROWS", "2000");
        AppProcess.Running a = app.start(args("orders", DAY1, DAY2));
        AppProcess.Running b = app.start(args("orders", DAY1, DAY2));
        AppProcess.Result ra = a.await(Duration.ofMinutes(3));
        AppProcess.Result rb = b.await(Duration.ofMinutes(3));
        assertTrue(ra.exitCode() == 0 || rb.exitCode() == 0, ra + "\n" + rb);
        for (AppProcess.Result r : new AppProcess.Result[] {ra, rb}) {
            assertTrue(r.exitCode() == 0 || r.firstStderrLine().contains("another run"), r.toString());
        }
        assertEquals(f.sourceTruth("orders", ORDER_COLS, DAY1, DAY2), f.landed("orders", ORDER_COLS, DAY1, DAY2));
    }

    @Test
    void everyPostgresTypeLandsFaithfully() throws Exception {
        SourceFixture f = new SourceFixture("types");
        f.sql(f.source, """
                CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
                CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
                CREATE TABLE everything (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL, n numeric(30,10), f float8, r real,
                  b boolean, t text, vc varchar(20), ch char(4), j jsonb, js json, arr int[], tarr text[], by bytea, d date,
                  ts timestamp, tz timestamptz, iv interval, u uuid, ip inet, m mood, p positive, money_col money, x xml,
                  pt point, rng int4range);
                CREATE INDEX ON everything (updated_at);
                INSERT INTO everything VALUES
                 (1, '2026-11-23T01:00:00Z', 12345678901234567890.0123456789, 1.5e300, -0.25, true, E'tab\\there "quote" \\\\ back\\nnew line, ünïcødé ✓ 𝄞',
                  'short', 'ab', '{"a": [1, 2, {"b": null}], "é": "x"}', '{ "raw" :  "json kept as written" }', '{1,NULL,3}', '{"a,b","c\\"d",NULL}',
                  '\\x00ff10', '2026-01-31', '2026-11-23 10:11:12.123456', '2026-11-23T10:11:12.654321+05:30', '1 day 2 hours', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
                  '192.168.0.1/24', 'happy', 5, 12.34, '<a>x</a>', '(1,2)', '[1,10)'),
                 (2, '2026-11-23T02:00:00Z', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                 (3, '2026-11-23T03:00:00Z', 0, 'NaN', 'Infinity', false, repeat('long text ', 200000), '', '', '[]', 'null', '{}', '{}', '',
                  '-infinity', 'infinity', '1900-01-01T00:00:00Z', '-1 microseconds', '00000000-0000-0000-0000-000000000000', '::1', 'sad', 1,
                  -1.00, '<b/>', '(0,0)', 'empty');
                """);
        AppProcess.Result r = f.app().jvmOption("-Dingest.db.tables.everything.key=id").run(args("everything", DAY1, DAY2));
        assertEquals(0, r.exitCode(), r.toString());
        String cols = "id, updated_at, n, f, r, b, t, vc, ch, j, js, arr, tarr, by, d, ts, tz, iv, u, ip, m::text, p::int, money_col, x::text, pt::text, rng";
        assertEquals(f.sourceTruth("everything", cols, DAY1, DAY2), f.landed("everything", cols, DAY1, DAY2));
        assertEquals("text", f.text(f.warehouse, "SELECT data_type FROM information_schema.columns WHERE table_schema = 'raw' "
                + "AND table_name = 'everything' AND column_name = 'm'"), "user-defined types land as their text form");
        assertEquals("jsonb", f.text(f.warehouse, "SELECT data_type FROM information_schema.columns WHERE table_schema = 'raw' "
                + "AND table_name = 'everything' AND column_name = 'j'"));
    }

    @Test
    void aTableWithoutAUniqueKeyKeepsOneRowPerIdTheLatestWins() throws Exception {
        SourceFixture f = new SourceFixture("dups");
        f.sql(f.source, """
                CREATE TABLE events (id bigint NOT NULL, payload text, updated_at timestamptz NOT NULL);
                INSERT INTO events VALUES (1, 'old', '2026-11-23T01:00:00Z'), (1, 'new', '2026-11-23T02:00:00Z'),
                  (2, 'same', '2026-11-23T01:00:00Z'), (2, 'same', '2026-11-23T01:00:00Z'), (3, 'only', '2026-11-23T05:00:00Z');
                """);
        AppProcess.Result r = f.app().jvmOption("-Dingest.db.tables.events.key=id").run(args("events", DAY1, DAY2));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(3, Json.longField(r.lastStdoutLine(), "rows"));
        assertEquals(2, Json.longField(r.lastStdoutLine(), "duplicates_removed"));
        assertEquals("new", f.text(f.warehouse, "SELECT payload FROM raw.events WHERE id = 1"));
    }

    @Test
    void dryRunWritesNothingAndInspectShowsTheLedger() throws Exception {
        SourceFixture f = new SourceFixture("inspect");
        f.orders(1, 100);
        AppProcess app = f.app();
        AppProcess.Result dry = app.run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString(), "--dry-run");
        assertEquals(0, dry.exitCode(), dry.toString());
        assertEquals(f.scalar(f.source, "SELECT count(*) FROM orders WHERE updated_at < '" + DAY2 + "'"),
                Json.longField(dry.lastStdoutLine(), "rows_in_source"));
        assertEquals("false", Json.field(dry.lastStdoutLine(), "partition_present"));
        assertEquals("dry-run", Json.field(dry.lastStdoutLine(), "outcome"));
        assertEquals(RunSummary.FIELDS, Json.keys(dry.lastStdoutLine()), dry.lastStdoutLine());
        assertEquals("null", Json.field(dry.lastStdoutLine(), "rows"), "a dry run lands no rows");
        assertEquals(0, f.scalar(f.warehouse, "SELECT count(*) FROM pg_namespace WHERE nspname IN ('raw', '_ingest')"), "a dry run writes nothing");

        assertEquals(0, app.run(args("orders", DAY1, DAY2)).exitCode());
        f.sql(f.source, "ALTER TABLE orders ADD COLUMN discount numeric(12,2)");
        assertEquals(0, app.run(args("orders", DAY1, DAY2)).exitCode());
        AppProcess.Result inspect = app.run("inspect", "--table", "orders");
        assertEquals(0, inspect.exitCode(), inspect.toString());
        long rows = f.scalar(f.warehouse, "SELECT count(*) FROM raw.orders");
        assertTrue(inspect.stdout().contains(DAY1.toString()) && inspect.stdout().contains(Long.toString(rows))
                && inspect.stdout().contains("succeeded") && inspect.stdout().contains("add_column discount"), inspect.stdout());
    }

    @Test
    void usageAndConfigurationErrorsExitTwoWithOneClearLineAndNoSecret() throws Exception {
        SourceFixture f = new SourceFixture("errors");
        AppProcess app = f.app();
        assertExit(app.run(args("nope", DAY1, DAY2)), 2, "unknown table 'nope'");
        assertExit(app.run(args("orders", DAY2, DAY1)), 2, "must be after --start");
        assertExit(app.run("--table", "orders", "--start", "yesterday", "--end", DAY2.toString()), 2, "not an ISO-8601 timestamp");
        assertExit(app.run("--table", "orders", "--start", "2026-11-23T00:00:00", "--end", DAY2.toString()), 2, "not an ISO-8601 timestamp");
        assertExit(f.app().env("SOURCE_DB_PASSWORD", "wrong-" + PostgresServer.PASSWORD).run(args("orders", DAY1, DAY2)), 2, "refused the login");
        AppProcess missing = AppProcess.fromSystemProperty().env(f.pg.env("WAREHOUSE_DB", f.warehouse))
                .env("SOURCE_DB_USER", "postgres").env("SOURCE_DB_PASSWORD", PostgresServer.PASSWORD);
        assertExit(missing.run(args("orders", DAY1, DAY2)), 2, "SOURCE_DB_URL is not set");
        AppProcess unreachable = f.app().env("SOURCE_DB_URL", "jdbc:postgresql://127.0.0.1:1/shop").env("INGEST_RETRY_MAX_ATTEMPTS", "2");
        assertExit(unreachable.run(args("orders", DAY1, DAY2)), 1, "source database");
    }

    private static void assertExit(AppProcess.Result r, int code, String message) {
        assertEquals(code, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains(message), "first stderr line: " + r.firstStderrLine());
        assertFalse(r.stdout().contains(PostgresServer.PASSWORD) || r.stderr().contains(PostgresServer.PASSWORD), "password leaked\n" + r);
        assertTrue(r.lastStdoutLine().startsWith("{") && r.lastStdoutLine().contains("\"outcome\":\"failed\""), r.lastStdoutLine());
        assertEquals(RunSummary.FIELDS, Json.keys(r.lastStdoutLine()), r.lastStdoutLine());
        assertEquals(code, Json.longField(r.lastStdoutLine(), "exit_code"), r.lastStdoutLine());
        assertNotEquals(-1, r.firstStderrLine().indexOf("extract-db failed"));
    }
}
