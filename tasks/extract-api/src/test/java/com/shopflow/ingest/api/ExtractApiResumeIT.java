package com.shopflow.ingest.api;

import static com.shopflow.ingest.api.ApiHarness.ARGS;
import static com.shopflow.ingest.api.ApiHarness.app;
import static com.shopflow.ingest.api.ApiHarness.assertEqualsTruth;
import static com.shopflow.ingest.api.ApiHarness.catalog;
import static com.shopflow.ingest.api.ApiHarness.checkpointChunks;
import static com.shopflow.ingest.api.ApiHarness.checksum;
import static com.shopflow.ingest.api.ApiHarness.database;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.simulator.api.ProductsApiServer;
import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run SIGKILLed mid-pagination, then retried: within the cursor's lifetime it continues from its checkpoint;
 * with an expired cursor it starts over cleanly. Either way the partition equals an uninterrupted run's.
 * Cursors are signed with the catalog seed, so a slow API (for the kill) and a fast one serve the same
 * catalog and accept each other's cursors.
 */
class ExtractApiResumeIT {
    private static ProductsApiServer slow;
    private static ProductsApiServer fast;
    private static String reference;

    @BeforeAll
    static void start() throws Exception {
        slow = ProductsApiServer.start(catalog().withRateLimit(5, Duration.ofSeconds(1)));
        fast = ProductsApiServer.start(catalog());
        String db = database("api_reference");
        AppProcess.Result r = app(db, fast).env("INGEST_API_PAGE_SIZE", "20").run(Duration.ofMinutes(2), ARGS);
        assertEquals(0, r.exitCode(), r.toString());
        assertEqualsTruth(db, fast);
        reference = checksum(db);
    }

    @AfterAll
    static void stop() {
        slow.stop();
        fast.stop();
    }

    /** Starts a slow run and SIGKILLs it once two chunks are staged. */
    private static void killMidRun(String db) throws Exception {
        AppProcess.Running run = app(db, slow).env("INGEST_API_PAGE_SIZE", "20").env("INGEST_API_PAGES_PER_CHUNK", "2").start(ARGS);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (checkpointChunks(db) < 2 && run.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(run.isAlive(), "the run was to be killed mid-pagination: " + run.stdoutSoFar());
        run.kill();
        assertTrue(checkpointChunks(db) >= 2);
    }

    @Test
    void shouldContinueFromTheCheckpointAfterAKill() throws Exception {
        String db = database("api_kill");
        killMidRun(db);
        AppProcess.Result r = app(db, fast).env("INGEST_API_PAGE_SIZE", "20").run(Duration.ofMinutes(2), ARGS);
        assertEquals(0, r.exitCode(), r.toString());
        String json = r.lastStdoutLine();
        assertTrue(Json.longField(json, "resumed_pages") >= 4, json);
        assertEquals(0, Json.longField(json, "cursor_restarts"));
        assertEquals(reference, checksum(db));
    }

    @Test
    void shouldStartOverCleanlyWhenTheSavedCursorIsTooOld() throws Exception {
        String db = database("api_stale");
        killMidRun(db);
        AppProcess.Result r = app(db, fast).env("INGEST_API_PAGE_SIZE", "20").env("INGEST_API_CURSOR_MAX_AGE_SECONDS", "0")
                .run(Duration.ofMinutes(2), ARGS);
        assertEquals(0, r.exitCode(), r.toString());
        String json = r.lastStdoutLine();
        assertEquals(1, Json.longField(json, "cursor_restarts"), json);
        assertEquals(0, Json.longField(json, "resumed_pages"));
        assertEquals(reference, checksum(db));
    }

    @Test
    void shouldStartOverCleanlyWhenTheApiRefusesAnExpiredCursor() throws Exception {
        String db = database("api_expired");
        killMidRun(db);
        try (ProductsApiServer strict = ProductsApiServer.start(catalog().withCursorLifetime(Duration.ofSeconds(4)))) {
            Thread.sleep(4500);
            AppProcess.Result r = app(db, strict).env("INGEST_API_PAGE_SIZE", "20").run(Duration.ofMinutes(2), ARGS);
            assertEquals(0, r.exitCode(), r.toString());
            String json = r.lastStdoutLine();
            assertTrue(Json.longField(json, "cursor_restarts") >= 1, json);
            assertTrue(strict.counters().status(400) >= 1);
        }
        assertEquals(reference, checksum(db));
    }
}
