package com.shopflow.ingest.api;

import static com.shopflow.ingest.api.ApiHarness.ARGS;
import static com.shopflow.ingest.api.ApiHarness.S;
import static com.shopflow.ingest.api.ApiHarness.assertEqualsTruth;
import static com.shopflow.ingest.api.ApiHarness.catalog;
import static com.shopflow.ingest.api.ApiHarness.checksum;
import static com.shopflow.ingest.api.ApiHarness.connect;
import static com.shopflow.ingest.api.ApiHarness.database;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.simulator.api.ApiFaults;
import com.shopflow.ingest.simulator.api.ProductsApiServer;
import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Checkpoints;
import com.shopflow.ingest.testkit.Json;
import com.shopflow.ingest.testkit.PostgresServer;
import com.shopflow.ingest.testkit.TcpProxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chaos suite for extract-api: SIGKILL at ten points across a run, a 429 storm, a 5xx storm with dropped
 * connections, the warehouse connection cut mid-run, two attempts at once, and duplicate items throughout.
 * The catalog never changes, so after every scenario the partition must equal an uninterrupted run's (by
 * checksum, metadata included) and the ledger must account for every attempt. Prints its counts.
 */
class ChaosIT {
    /** About 1000 products in the day, 20 per page, 3 pages per chunk: a run stages ~18 chunks. */
    static final String PAGE_SIZE = "20";
    static final String PAGES_PER_CHUNK = "3";
    static final ApiFaults DUPLICATES = ApiFaults.none().withDuplicates(0.2);
    /** Every 4th request a 5xx, every 6th cut halfway, and a few more at random: never eight in a row for a page. */
    static final ApiFaults STORM = DUPLICATES.withErrors(0.1, 4).withDrops(0.05, 6);

    @Test
    void everyFaultEndsInThePartitionOfAnUninterruptedRun() throws Exception {
        String db = database("api_chaos");
        // The contract's 100 per 60 s would make 25 runs take half an hour: an API and a client budget of the same
        // shape with room to spare keep them fast; the 429 storm gets its own API with a tight window.
        try (ProductsApiServer api = ProductsApiServer.start(catalog().withRateLimit(100_000, Duration.ofSeconds(1)).withFaults(DUPLICATES));
             ProductsApiServer limited = ProductsApiServer.start(catalog().withRateLimit(6, Duration.ofSeconds(1)).withFaults(DUPLICATES));
             Connection wh = connect(db)) {
            AppProcess app = app(db, api);
            AppProcess.Result first = app.run(Duration.ofMinutes(2), ARGS);
            assertEquals(0, first.exitCode(), first.toString());
            assertTrue(Json.longField(first.lastStdoutLine(), "duplicates_removed") > 0, first.lastStdoutLine());
            assertEqualsTruth(db, api);
            trace(first.lastStdoutLine());
            String truth = checksum(db);
            long rows = ApiHarness.landed(db).size();
            int scenarios = 0;
            int faults = 0;
            int attempts = 1;
            List<String> mismatches = new ArrayList<>();

            for (int killAfter : new int[] {0, 1, 2, 3, 5, 7, 9, 11, 12, 13}) {
                scenarios++;
                AppProcess.Running run = app.start(ARGS);
                Checkpoints.await(wh, run, killAfter);
                if (run.isAlive()) {
                    run.kill();
                    faults++;
                    trace("killed at chunk " + Checkpoints.chunks(wh) + " (aimed at " + killAfter + ")");
                }
                attempts++;
                if (!truth.equals(checksum(db))) {
                    mismatches.add("published partition changed by a killed run after " + killAfter + " chunks");
                }
                AppProcess.Result r = app.run(Duration.ofMinutes(2), ARGS);
                attempts++;
                assertEquals(0, r.exitCode(), r.toString());
                trace(r.lastStdoutLine());
                check(db, truth, "kill after " + killAfter + " chunks", mismatches);
            }

            scenarios++;
            faults++;
            AppProcess.Result storm429 = app(db, limited).run(Duration.ofMinutes(2), ARGS);
            attempts++;
            assertEquals(0, storm429.exitCode(), storm429.toString());
            trace(storm429.lastStdoutLine());
            assertTrue(limited.counters().rateLimited() > 0, "the API answered 429: " + storm429.lastStdoutLine());
            check(db, truth, "429 storm", mismatches);

            scenarios++;
            faults++;
            api.setFaults(STORM);
            AppProcess.Result storm5xx = app.run(Duration.ofMinutes(2), ARGS);
            attempts++;
            api.setFaults(DUPLICATES);
            assertEquals(0, storm5xx.exitCode(), storm5xx.toString());
            trace(storm5xx.lastStdoutLine());
            assertTrue(api.counters().serverErrors() > 0 && api.counters().dropped() > 0, "the API failed requests: " + api.counters());
            check(db, truth, "5xx storm with dropped connections", mismatches);

            try (TcpProxy warehouse = new TcpProxy(PostgresServer.shared().port())) {
                scenarios++;
                AppProcess viaProxy = app(db, api).env("WAREHOUSE_DB_URL", "jdbc:postgresql://127.0.0.1:" + warehouse.port() + "/" + db);
                AppProcess.Running run = viaProxy.start(ARGS);
                Checkpoints.await(wh, run, 4);
                warehouse.cutAll();
                faults++;
                AppProcess.Result r = run.await(Duration.ofMinutes(2));
                attempts++;
                if (r.exitCode() != 0) {
                    assertEquals(1, r.exitCode(), "a cut warehouse connection is transient: " + r);
                    r = viaProxy.run(Duration.ofMinutes(2), ARGS);
                    attempts++;
                }
                assertEquals(0, r.exitCode(), r.toString());
                trace(r.lastStdoutLine());
                check(db, truth, "warehouse cut mid-run", mismatches);
            }

            scenarios++;
            faults++;
            AppProcess.Running a = app.start(ARGS);
            AppProcess.Running b = app.start(ARGS);
            AppProcess.Result ra = a.await(Duration.ofMinutes(2));
            AppProcess.Result rb = b.await(Duration.ofMinutes(2));
            attempts += 2;
            assertTrue(ra.exitCode() == 0 || rb.exitCode() == 0, ra + "\n" + rb);
            trace(ra.lastStdoutLine());
            trace(rb.lastStdoutLine());
            check(db, truth, "two attempts at once", mismatches);

            long ledger = scalar(wh, "SELECT count(*) FROM _ingest.load_run WHERE target = 'raw.products' AND interval_start = ?", S);
            long running = scalar(wh, "SELECT count(*) FROM _ingest.load_run WHERE status = 'running' AND interval_start = ?", S);
            long rowsCompared = (long) scenarios * rows;
            System.out.printf("chaos extract-api: scenarios=%d faults=%d attempts=%d ledger_rows=%d rows_compared=%d mismatches=%d%n",
                    scenarios, faults, attempts, ledger, rowsCompared, mismatches.size());
            assertEquals(List.of(), mismatches);
            assertEquals(attempts, ledger, "the ledger accounts for every attempt");
            assertEquals(0, running, "no attempt is left marked running");
        }
    }

    /** The module's app with small pages and chunks (many kill points) and a budget that does not slow it down. */
    private static AppProcess app(String db, ProductsApiServer api) {
        return ApiHarness.app(db, api).env("INGEST_API_PAGE_SIZE", PAGE_SIZE).env("INGEST_API_PAGES_PER_CHUNK", PAGES_PER_CHUNK)
                .env("INGEST_API_BUDGET_REQUESTS", "100000").env("INGEST_API_BUDGET_WINDOW_SECONDS", "1");
    }

    private static long scalar(Connection wh, String sql, Instant at) throws SQLException {
        try (PreparedStatement ps = wh.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(at));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** With -Dprint.output=true, each run's summary line, to see what a scenario did. */
    private static void trace(String line) {
        if (Boolean.getBoolean("print.output")) {
            System.out.println(line);
        }
    }

    private static void check(String db, String truth, String scenario, List<String> mismatches) throws Exception {
        String now = checksum(db);
        if (!truth.equals(now)) {
            mismatches.add(scenario + ": " + now + " != " + truth);
        }
    }
}
