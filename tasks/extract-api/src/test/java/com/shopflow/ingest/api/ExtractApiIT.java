package com.shopflow.ingest.api;

import static com.shopflow.ingest.api.ApiHarness.ARGS;
import static com.shopflow.ingest.api.ApiHarness.TOKEN;
import static com.shopflow.ingest.api.ApiHarness.app;
import static com.shopflow.ingest.api.ApiHarness.assertEqualsTruth;
import static com.shopflow.ingest.api.ApiHarness.catalog;
import static com.shopflow.ingest.api.ApiHarness.checksum;
import static com.shopflow.ingest.api.ApiHarness.database;
import static com.shopflow.ingest.api.ApiHarness.landed;
import static com.shopflow.ingest.api.ApiHarness.publishedPartitions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopflow.ingest.core.cli.RunSummary;
import com.shopflow.ingest.simulator.api.ApiFaults;
import com.shopflow.ingest.simulator.api.ProductsApiServer;
import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The packaged extract-api against the simulator's real HTTP API (faults on) and a real PostgreSQL. */
class ExtractApiIT {
    private final List<ProductsApiServer> servers = new ArrayList<>();

    private ProductsApiServer api(ApiFaults faults) {
        ProductsApiServer s = ProductsApiServer.start(catalog().withFaults(faults));
        servers.add(s);
        return s;
    }

    @AfterEach
    void stop() {
        servers.forEach(ProductsApiServer::stop);
    }

    private static AppProcess.Result ok(AppProcess app) throws Exception {
        AppProcess.Result r = app.run(Duration.ofMinutes(2), ARGS);
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(r.stdout().contains(TOKEN) || r.stderr().contains(TOKEN), "the token leaked");
        if (Boolean.getBoolean("print.output")) {
            System.out.println(r);
        }
        return r;
    }

    @Test
    void shouldLandTheIntervalExactlyAndIdenticallyOnARerun() throws Exception {
        ProductsApiServer api = api(ApiFaults.none());
        String db = database("api_happy");
        AppProcess.Result r = ok(app(db, api));
        assertEqualsTruth(db, api);
        String json = r.lastStdoutLine();
        long n = api.truth(ApiHarness.S, ApiHarness.E).size();
        assertEquals(n, Json.longField(json, "rows"));
        assertEquals("landed", Json.field(json, "outcome"));
        assertEquals(RunSummary.FIELDS, Json.keys(json), json);
        assertTrue(Json.field(json, "partition").startsWith("raw_partitions.products__"), json);
        assertEquals(1, Json.longField(json, "attempt"), json);
        assertEquals((n + 49) / 50, Json.longField(json, "requests"), "one request per page, no more");
        assertEquals(0, Json.longField(json, "rate_limited"));
        String first = checksum(db);
        ok(app(db, api));
        assertEquals(first, checksum(db), "a second run leaves the partition identical");

        String[] dryArgs = java.util.stream.Stream.concat(java.util.Arrays.stream(ARGS), java.util.stream.Stream.of("--dry-run"))
                .toArray(String[]::new);
        AppProcess.Result dry = app(db, api).run(Duration.ofMinutes(1), dryArgs);
        assertEquals(0, dry.exitCode(), dry.toString());
        assertEquals("dry-run", Json.field(dry.lastStdoutLine(), "outcome"));
        assertEquals(RunSummary.FIELDS, Json.keys(dry.lastStdoutLine()), dry.lastStdoutLine());
        assertEquals(Math.min(n, 50), Json.longField(dry.lastStdoutLine(), "first_page_items"));
    }

    @Test
    void shouldRideOutARateLimitStorm() throws Exception {
        ProductsApiServer api = ProductsApiServer.start(catalog().withRateLimit(4, Duration.ofSeconds(1)));
        servers.add(api);
        String db = database("api_429");
        AppProcess.Result r = ok(app(db, api));
        assertTrue(Json.longField(r.lastStdoutLine(), "rate_limited") > 0, r.lastStdoutLine());
        assertTrue(api.counters().rateLimited() > 0);
        assertEqualsTruth(db, api);
    }

    @Test
    void shouldRetryServerErrorsAndDroppedConnections() throws Exception {
        ProductsApiServer api = api(ApiFaults.none().withErrors(0.1, 3).withDrops(0, 5));
        String db = database("api_5xx");
        AppProcess.Result r = ok(app(db, api));
        assertTrue(Json.longField(r.lastStdoutLine(), "retries") > 0);
        assertTrue(api.counters().serverErrors() > 0 && api.counters().dropped() > 0);
        assertEqualsTruth(db, api);
    }

    @Test
    void shouldCollapseDuplicatesAndLandNewFieldsInThePayload() throws Exception {
        ProductsApiServer api = api(ApiFaults.none().withDuplicates(0.2).withNewFields(true));
        String db = database("api_dup");
        AppProcess.Result r = ok(app(db, api));
        assertTrue(Json.longField(r.lastStdoutLine(), "duplicates_removed") > 0);
        assertEqualsTruth(db, api);
        JsonNode payload = (JsonNode) landed(db).values().iterator().next()[1];
        assertTrue(payload.has("dimensions_cm") && payload.has("barcodes"), payload.toString());
    }

    @Test
    void shouldKeepTheLatestVersionOfProductsEditedDuringThePagination() throws Exception {
        ProductsApiServer api = api(ApiFaults.none().withEdits(2));
        String db = database("api_edit");
        AppProcess.Result r = ok(app(db, api));
        assertTrue(api.counters().edits() > 0);
        assertTrue(Json.longField(r.lastStdoutLine(), "duplicates_removed") > 0);
        assertEqualsTruth(db, api);
    }

    @Test
    void shouldStopWithExit2OnABadTokenWithoutPrintingIt() throws Exception {
        ProductsApiServer api = api(ApiFaults.none());
        String db = database("api_401");
        String wrong = "Wr0ng-canary-token-5521";
        AppProcess.Result r = app(db, api).env("PRODUCTS_API_TOKEN", wrong).run(Duration.ofMinutes(1), ARGS);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("refused the token"), r.firstStderrLine());
        assertFalse(r.stdout().contains(wrong) || r.stderr().contains(wrong), "the token leaked");
        assertEquals("AUTH", Json.field(r.lastStdoutLine(), "code"));
        assertEquals(RunSummary.FIELDS, Json.keys(r.lastStdoutLine()), r.lastStdoutLine());
        assertEquals("failed", Json.field(r.lastStdoutLine(), "outcome"));
        assertEquals(1, api.counters().status(401), "no retry of a 401");
    }

    @Test
    void shouldRefuseARangeWithExit2BeforeAnyRequest() throws Exception {
        ProductsApiServer api = api(ApiFaults.none());
        String db = database("api_every");
        String[] range = java.util.stream.Stream.concat(java.util.Arrays.stream(ARGS), java.util.stream.Stream.of("--every", "PT6H"))
                .toArray(String[]::new);
        AppProcess.Result r = app(db, api).run(Duration.ofMinutes(1), range);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("--every is not supported"), r.firstStderrLine());
        assertEquals("USAGE", Json.field(r.lastStdoutLine(), "code"));
        assertEquals(0, api.counters().requests(), "no request for a refused run");
    }

    @Test
    void shouldFailWithExit3OnMalformedJsonAndPublishNothing() throws Exception {
        ProductsApiServer api = api(ApiFaults.none().withMalformed(ApiFaults.Malformed.INVALID_JSON, 3));
        String db = database("api_badjson");
        AppProcess.Result r = app(db, api).env("INGEST_API_PAGES_PER_CHUNK", "1").run(Duration.ofMinutes(1), ARGS);
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("page 3"), r.firstStderrLine());
        assertEquals(0, publishedPartitions(db));
        assertEquals(0, landed(db).size());
    }

    @Test
    void shouldFailWithExit3OnAnItemWithoutId() throws Exception {
        ProductsApiServer api = api(ApiFaults.none().withMalformed(ApiFaults.Malformed.MISSING_ID, 2));
        String db = database("api_noid");
        AppProcess.Result r = app(db, api).run(Duration.ofMinutes(1), ARGS);
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("page 2") && r.firstStderrLine().contains("\"id\""), r.firstStderrLine());
        assertEquals(0, publishedPartitions(db));
    }

    @Test
    void shouldShareOneRequestBudgetBetweenConcurrentRuns() throws Exception {
        ProductsApiServer api = ProductsApiServer.start(catalog().withRateLimit(6, Duration.ofSeconds(1)));
        servers.add(api);
        String db = database("api_shared");
        // Two pods of a backfill, one token: their shared budget (5 per second) stays under the API's limit together.
        AppProcess.Running day1 = app(db, api).env("INGEST_API_BUDGET_REQUESTS", "5").env("INGEST_API_BUDGET_WINDOW_SECONDS", "1")
                .start(ARGS);
        AppProcess.Running day2 = app(db, api).env("INGEST_API_BUDGET_REQUESTS", "5").env("INGEST_API_BUDGET_WINDOW_SECONDS", "1")
                .start("--resource", "products", "--start", "2026-11-22T00:00:00Z", "--end", "2026-11-23T00:00:00Z");
        AppProcess.Result r1 = day1.await(Duration.ofMinutes(2));
        AppProcess.Result r2 = day2.await(Duration.ofMinutes(2));
        assertEquals(0, r1.exitCode(), r1.toString());
        assertEquals(0, r2.exitCode(), r2.toString());
        assertEqualsTruth(db, api);
        assertEquals(api.truth(ApiHarness.E, ApiHarness.E.plusSeconds(86_400)).size(), Json.longField(r2.lastStdoutLine(), "rows"));
        try (var c = ApiHarness.connect(db); var rs = c.createStatement().executeQuery(
                "SELECT count(DISTINCT budget), count(*) FROM _ingest.api_request")) {
            rs.next();
            assertEquals(1, rs.getLong(1), "one budget for one API and token");
            assertTrue(rs.getLong(2) > 0);
        }
        long limited = Json.longField(r1.lastStdoutLine(), "rate_limited") + Json.longField(r2.lastStdoutLine(), "rate_limited");
        System.out.println("concurrent runs met " + limited + " 429s for " + api.counters().status(200) + " pages");
    }
}
