package com.shopflow.ingest.db;

import static com.shopflow.ingest.db.SourceFixture.DAY1;
import static com.shopflow.ingest.db.SourceFixture.DAY2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import com.shopflow.ingest.testkit.TcpProxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Kills and cuts: whatever breaks, the published partition stays as it was and the retry ends where an uninterrupted run would. */
class ResumeIT {
    static final int PER_DAY = 30000;
    static final int CHUNK = 2000;

    @ParameterizedTest(name = "SIGKILL after {0} committed chunks, then retry")
    @ValueSource(ints = {1, 13})
    void aKilledRunLeavesThePartitionAsItWasAndTheRetryResumesFromItsCheckpoint(int chunksBeforeKill) throws Exception {
        SourceFixture f = new SourceFixture("kill" + chunksBeforeKill);
        f.orders(1, PER_DAY);
        AppProcess app = f.app().env("INGEST_LANDING_CHUNK_ROWS", Integer.toString(CHUNK));
        assertEquals(0, app.run(ExtractDbIT.args("orders", DAY1, DAY2)).exitCode());
        String published = f.partition("orders", DAY1, DAY2);
        f.sql(f.source, "UPDATE orders SET status = 'cancelled', total_amount = total_amount + 1 WHERE id % 7 = 0");

        AppProcess.Running run = app.start(ExtractDbIT.args("orders", DAY1, DAY2));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (f.checkpointChunks() < chunksBeforeKill
                && run.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(run.isAlive(), "the run ended before the kill point: make the table bigger");
        run.kill();
        assertEquals(published, f.partition("orders", DAY1, DAY2), "a killed run leaves the published partition as it was");
        long staged = f.scalar(f.warehouse, "SELECT coalesce(max(rows_staged), 0) FROM _ingest.checkpoint");

        AppProcess.Result retry = app.run(ExtractDbIT.args("orders", DAY1, DAY2));
        assertEquals(0, retry.exitCode(), retry.toString());
        assertEquals(f.sourceTruth("orders", ExtractDbIT.ORDER_COLS, DAY1, DAY2), f.landed("orders", ExtractDbIT.ORDER_COLS, DAY1, DAY2));
        long total = Json.longField(retry.lastStdoutLine(), "rows");
        assertEquals(staged, Json.longField(retry.lastStdoutLine(), "rows_resumed"), "the retry takes over what was checkpointed");
        assertEquals(total - staged, Json.longField(retry.lastStdoutLine(), "rows_read"), "and reads only the rest");
        assertEquals("failed", f.text(f.warehouse, "SELECT status FROM _ingest.load_run WHERE interval_start = '" + DAY1
                + "' ORDER BY started_at DESC OFFSET 1 LIMIT 1"), "the killed attempt is accounted for in the ledger");
        // The same partition as an uninterrupted run: land it again from scratch and compare everything.
        String resumed = f.partition("orders", DAY1, DAY2);
        assertEquals(0, app.run(ExtractDbIT.args("orders", DAY1, DAY2)).exitCode());
        assertEquals(resumed, f.partition("orders", DAY1, DAY2));
    }

    @Test
    void aSourceConnectionCutMidStreamIsRetriedInsideTheRun() throws Exception {
        SourceFixture f = new SourceFixture("cutsource");
        f.orders(1, PER_DAY);
        try (TcpProxy proxy = new TcpProxy(f.pg.port())) {
            AppProcess app = f.app().env("INGEST_LANDING_CHUNK_ROWS", Integer.toString(CHUNK))
                    .env("SOURCE_DB_URL", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + f.source);
            proxy.cutAfterBytes(1_500_000);
            AppProcess.Result r = app.run(ExtractDbIT.args("orders", DAY1, DAY2));
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(Json.longField(r.lastStdoutLine(), "source_snapshots") >= 2, "the cut forced a reconnect: " + r.lastStdoutLine());
            assertTrue(r.stdout().contains("retry 1 of"), r.stdout());
        }
        assertEquals(f.sourceTruth("orders", ExtractDbIT.ORDER_COLS, DAY1, DAY2), f.landed("orders", ExtractDbIT.ORDER_COLS, DAY1, DAY2));
    }

    @Test
    void aWarehouseConnectionCutMidStreamIsRetriedInsideTheRun() throws Exception {
        SourceFixture f = new SourceFixture("cutwh");
        f.orders(1, PER_DAY);
        try (TcpProxy proxy = new TcpProxy(f.pg.port())) {
            AppProcess app = f.app().env("INGEST_LANDING_CHUNK_ROWS", Integer.toString(CHUNK))
                    .env("WAREHOUSE_DB_URL", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + f.warehouse);
            AppProcess.Running run = app.start(ExtractDbIT.args("orders", DAY1, DAY2));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (f.checkpointChunks() < 3 && run.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            proxy.cutAll();
            AppProcess.Result r = run.await(Duration.ofMinutes(2));
            assertEquals(0, r.exitCode(), r.toString());
        }
        assertEquals(f.sourceTruth("orders", ExtractDbIT.ORDER_COLS, DAY1, DAY2), f.landed("orders", ExtractDbIT.ORDER_COLS, DAY1, DAY2));
    }
}
