package com.shopflow.ingest.db;

import static com.shopflow.ingest.db.SourceFixture.DAY1;
import static com.shopflow.ingest.db.SourceFixture.DAY2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chaos suite for extract-db: SIGKILL at ten points across a run, source and warehouse connections cut
 * mid-stream, two attempts at once. After every scenario the partition must equal an uninterrupted run's (by
 * checksum, metadata included) and the ledger must account for every attempt. Prints its counts.
 */
class ChaosIT {
    static final int PER_DAY = 15000;
    static final int CHUNK = 1000;

    @Test
    void everyFaultEndsInThePartitionOfAnUninterruptedRun() throws Exception {
        SourceFixture f = new SourceFixture("chaos");
        f.orders(1, PER_DAY);
        AppProcess app = f.app().env("INGEST_LANDING_CHUNK_ROWS", Integer.toString(CHUNK));
        String[] args = ExtractDbIT.args("orders", DAY1, DAY2);
        assertEquals(0, app.run(args).exitCode());
        String truth = f.partition("orders", DAY1, DAY2);
        long rows = f.scalar(f.warehouse, "SELECT count(*) FROM raw.orders WHERE _interval_start = '" + DAY1 + "'");
        int scenarios = 0;
        int faults = 0;
        int attempts = 1;
        List<String> mismatches = new ArrayList<>();

        for (int killAfter : new int[] {0, 1, 2, 3, 5, 7, 9, 11, 12, 13}) {
            scenarios++;
            AppProcess.Running run = app.start(args);
            if (f.atChunk(run, killAfter, true)) {
                faults++;
            }
            attempts++;
            if (!truth.equals(f.partition("orders", DAY1, DAY2))) {
                mismatches.add("published partition changed by a killed run after " + killAfter + " chunks");
            }
            AppProcess.Result r = app.run(args);
            attempts++;
            assertEquals(0, r.exitCode(), r.toString());
            check(f, truth, "kill after " + killAfter + " chunks", mismatches);
        }

        try (TcpProxy source = new TcpProxy(f.pg.port()); TcpProxy warehouse = new TcpProxy(f.pg.port())) {
            AppProcess viaProxies = f.app().env("INGEST_LANDING_CHUNK_ROWS", Integer.toString(CHUNK))
                    .env("SOURCE_DB_URL", "jdbc:postgresql://127.0.0.1:" + source.port() + "/" + f.source)
                    .env("WAREHOUSE_DB_URL", "jdbc:postgresql://127.0.0.1:" + warehouse.port() + "/" + f.warehouse);
            for (long cutAt : new long[] {200_000, 700_000}) {
                scenarios++;
                faults++;
                source.cutAfterBytes(cutAt);
                AppProcess.Result r = viaProxies.run(args);
                attempts++;
                assertEquals(0, r.exitCode(), r.toString());
                check(f, truth, "source cut after " + cutAt + " bytes", mismatches);
            }
            scenarios++;
            AppProcess.Running run = viaProxies.start(args);
            f.atChunk(run, 4, false);
            warehouse.cutAll();
            faults++;
            AppProcess.Result r = run.await(Duration.ofMinutes(2));
            attempts++;
            assertEquals(0, r.exitCode(), r.toString());
            check(f, truth, "warehouse cut mid-run", mismatches);
        }

        scenarios++;
        faults++;
        AppProcess.Running a = app.start(args);
        AppProcess.Running b = app.start(args);
        AppProcess.Result ra = a.await(Duration.ofMinutes(2));
        AppProcess.Result rb = b.await(Duration.ofMinutes(2));
        attempts += 2;
        assertTrue(ra.exitCode() == 0 || rb.exitCode() == 0, ra + "\n" + rb);
        check(f, truth, "two attempts at once", mismatches);

        long ledger = f.scalar(f.warehouse, "SELECT count(*) FROM _ingest.load_run WHERE target = 'raw.orders' AND interval_start = '" + DAY1 + "'");
        long running = f.scalar(f.warehouse, "SELECT count(*) FROM _ingest.load_run WHERE status = 'running'");
        long rowsCompared = (long) scenarios * rows;
        System.out.printf("chaos extract-db: scenarios=%d faults=%d attempts=%d ledger_rows=%d rows_compared=%d mismatches=%d%n",
                scenarios, faults, attempts, ledger, rowsCompared, mismatches.size());
        assertEquals(List.of(), mismatches);
        assertEquals(attempts, ledger, "the ledger accounts for every attempt");
        assertEquals(0, running, "no attempt is left marked running");
    }

    private static void check(SourceFixture f, String truth, String scenario, List<String> mismatches) throws Exception {
        String now = f.partition("orders", DAY1, DAY2);
        if (!truth.equals(now)) {
            mismatches.add(scenario + ": " + now + " != " + truth);
        }
    }
}
