package com.shopflow.ingest.simulator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The products API's side of CONTRACT §1.2, proven over real HTTP on loopback. */
class ProductsApiServerTest {
    private static final String TOKEN = "tok-test-1234";
    private static final LocalDate DAY = LocalDate.parse("2026-11-20");
    private static final Instant S = Instant.parse("2026-11-21T00:00:00Z");
    private static final Instant E = Instant.parse("2026-11-22T00:00:00Z");
    private final List<ProductsApiServer> servers = new ArrayList<>();

    private ProductsApiServer start(ApiOptions o) {
        ProductsApiServer s = ProductsApiServer.start(o);
        servers.add(s);
        return s;
    }

    private ProductsApiServer start() {
        return start(ApiOptions.of(1500, 7, DAY, 3, TOKEN));
    }

    @AfterEach
    void stop() {
        servers.forEach(ProductsApiServer::stop);
    }

    private static Instant ts(JsonNode item) {
        return Instant.parse(item.get("updated_at").asText());
    }

    @Test
    void shouldPageInUpdatedAtIdOrderAndCoverTheIntervalExactly() throws Exception {
        ProductsApiServer server = start();
        List<JsonNode> items = new ApiClient(server, TOKEN).all(S, E, 37);
        for (int i = 1; i < items.size(); i++) {
            int c = ts(items.get(i - 1)).compareTo(ts(items.get(i)));
            assertTrue(c < 0 || (c == 0 && items.get(i - 1).get("id").asLong() < items.get(i).get("id").asLong()),
                    "order broken at item " + i);
        }
        Set<Long> ids = new TreeSet<>();
        for (JsonNode it : items) {
            assertTrue(!ts(it).isBefore(S) && ts(it).isBefore(E), "item outside the interval: " + it);
            ids.add(it.get("id").asLong());
        }
        assertEquals(items.size(), ids.size(), "no duplicates without the fault");
        assertEquals(server.truth(S, E).stream().map(Product::id).collect(java.util.stream.Collectors.toCollection(TreeSet::new)), ids);
        assertTrue(ids.size() > 300, "about a third of 1500 products fall in one of three days: " + ids.size());
        assertEquals(1, items.stream().filter(i -> i.get("id").asLong() == ids.iterator().next()).count());
    }

    @Test
    void shouldServeItemsWithTheContractFields() throws Exception {
        ProductsApiServer server = start();
        JsonNode first = new ApiClient(server, TOKEN).all(S, E, 100).get(0);
        for (String f : List.of("id", "sku", "name", "category", "price", "currency", "active", "attributes", "created_at", "updated_at")) {
            assertTrue(first.has(f), "missing " + f + " in " + first);
        }
        assertTrue(first.get("id").isIntegralNumber());
        assertTrue(first.get("price").isTextual());
        assertTrue(first.get("attributes").isObject());
        assertFalse(first.has("brand"));
        assertEquals(server.truthJson(S, E).get(first.get("id").asLong()), first.toString());
    }

    @Test
    void shouldTreatUpdatedSinceInclusiveAndUpdatedBeforeExclusive() throws Exception {
        ProductsApiServer server = start();
        Product p = server.truth(S, E).get(10);
        Instant t = p.updatedAt();
        ApiClient c = new ApiClient(server, TOKEN);
        assertTrue(c.all(t, t.plusNanos(1000), 100).stream().anyMatch(i -> i.get("id").asLong() == p.id()), "since is inclusive");
        assertTrue(c.all(t.minusSeconds(1), t, 100).stream().noneMatch(i -> i.get("id").asLong() == p.id()), "before is exclusive");
    }

    @Test
    void shouldAnswer429WithRetryAfterAfter100RequestsInAMinute() throws Exception {
        ProductsApiServer server = start();
        ApiClient c = new ApiClient(server, TOKEN);
        for (int i = 0; i < 100; i++) {
            assertEquals(200, c.get(S, E, 1, null).statusCode(), "request " + (i + 1));
        }
        HttpResponse<String> r = c.get(S, E, 1, null);
        assertEquals(429, r.statusCode());
        long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertEquals(1, server.counters().rateLimited());
        assertEquals(100, server.counters().status(200));
    }

    @Test
    void shouldServeAgainOnceRetryAfterHasPassed() throws Exception {
        ProductsApiServer server = start(ApiOptions.of(200, 7, DAY, 3, TOKEN).withRateLimit(3, Duration.ofSeconds(1)));
        ApiClient c = new ApiClient(server, TOKEN);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, c.get(S, E, 1, null).statusCode());
        }
        HttpResponse<String> r = c.get(S, E, 1, null);
        assertEquals(429, r.statusCode());
        Thread.sleep(Duration.ofSeconds(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())));
        assertEquals(200, c.get(S, E, 1, null).statusCode());
    }

    @Test
    void shouldAnswer401ForABadOrMissingTokenWithoutCountingIt() throws Exception {
        ProductsApiServer server = start(ApiOptions.of(200, 7, DAY, 3, TOKEN).withRateLimit(1, Duration.ofSeconds(60)));
        assertEquals(401, new ApiClient(server, "wrong").get(S, E, 10, null).statusCode());
        assertEquals(401, new ApiClient(server, null).get(S, E, 10, null).statusCode());
        assertEquals(200, new ApiClient(server, TOKEN).get(S, E, 10, null).statusCode());
        assertEquals(2, server.counters().status(401));
    }

    @Test
    void shouldRejectBadParameters() throws Exception {
        ProductsApiServer server = start();
        ApiClient c = new ApiClient(server, TOKEN);
        assertEquals(400, c.get(S, E, 0, null).statusCode());
        assertEquals(400, c.get(S, E, 101, null).statusCode());
        assertEquals(400, c.get(S, E, 10, "bm90LWEtY3Vyc29y").statusCode());
    }

    @Test
    void shouldExpireCursorsAfterTheirLifetimeAndRefuseCursorsOfAnotherQuery() throws Exception {
        ProductsApiServer server = start(ApiOptions.of(1500, 7, DAY, 3, TOKEN).withCursorLifetime(Duration.ofMillis(200)));
        ApiClient c = new ApiClient(server, TOKEN);
        String cursor = ApiClient.JSON.readTree(c.get(S, E, 10, null).body()).get("next_cursor").asText();
        assertEquals(200, c.get(S, E, 10, cursor).statusCode(), "fresh cursor");
        HttpResponse<String> other = c.get(S, E.plusSeconds(1), 10, cursor);
        assertEquals(400, other.statusCode());
        assertTrue(other.body().contains("invalid_cursor"));
        Thread.sleep(400);
        HttpResponse<String> r = c.get(S, E, 10, cursor);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("cursor_expired"), r.body());
    }

    @Test
    void shouldFailEveryNthRequestWithA5xxWhenScheduled() throws Exception {
        ProductsApiServer server = start(ApiOptions.of(200, 7, DAY, 3, TOKEN).withFaults(ApiFaults.none().withErrors(0, 2)));
        ApiClient c = new ApiClient(server, TOKEN);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(c.get(S, E, 5, null).statusCode());
        }
        assertEquals(200, statuses.get(0));
        for (int i = 1; i < 6; i += 2) {
            assertTrue(Set.of(500, 502, 503).contains(statuses.get(i)), "statuses " + statuses);
            assertEquals(200, statuses.get(i - 1));
        }
        assertEquals(3, server.counters().serverErrors());
    }

    @Test
    void shouldFailAtTheConfiguredRate() throws Exception {
        ProductsApiServer server = start();
        server.setFaults(ApiFaults.none().withErrors(1.0, 0));
        ApiClient c = new ApiClient(server, TOKEN);
        for (int i = 0; i < 5; i++) {
            assertTrue(c.get(S, E, 5, null).statusCode() >= 500);
        }
        server.setFaults(ApiFaults.none());
        assertEquals(200, c.get(S, E, 5, null).statusCode());
    }

    @Test
    void shouldCutTheConnectionHalfwayThroughAnAnswer() throws Exception {
        ProductsApiServer server = start();
        server.setFaults(ApiFaults.none().withDrops(0, 1));
        ApiClient c = new ApiClient(server, TOKEN);
        assertThrows(IOException.class, () -> c.get(S, E, 100, null));
        assertEquals(1, server.counters().dropped());
        server.setFaults(ApiFaults.none());
        assertEquals(200, c.get(S, E, 100, null).statusCode());
    }

    @Test
    void shouldRepeatItemsWithinAndAcrossPagesWhenAsked() throws Exception {
        ProductsApiServer server = start();
        server.setFaults(ApiFaults.none().withDuplicates(0.2));
        ApiClient c = new ApiClient(server, TOKEN);
        List<JsonNode> page1 = List.copyOf(ApiClient.JSON.readTree(c.get(S, E, 50, null).body()).get("data").valueStream().toList());
        List<JsonNode> items = c.all(S, E, 50);
        Set<Long> distinct = new HashSet<>();
        items.forEach(i -> distinct.add(i.get("id").asLong()));
        assertTrue(items.size() > distinct.size(), "duplicates expected");
        assertEquals(server.truth(S, E).size(), distinct.size(), "nothing lost");
        Set<Long> inPage1 = new HashSet<>();
        boolean repeatedInPage = page1.stream().anyMatch(i -> !inPage1.add(i.get("id").asLong()));
        assertTrue(repeatedInPage, "an item repeated within page 1");
    }

    @Test
    void shouldMeetEditedProductsAgainLaterInTheSamePagination() throws Exception {
        ProductsApiServer server = start();
        Map<Long, Instant> before = new HashMap<>();
        server.truth(S, E).forEach(p -> before.put(p.id(), p.updatedAt()));
        server.setFaults(ApiFaults.none().withEdits(2));
        List<JsonNode> items = new ApiClient(server, TOKEN).all(S, E, 50);
        Map<Long, Instant> latest = new HashMap<>();
        int seenAgain = 0;
        for (JsonNode i : items) {
            Instant prev = latest.put(i.get("id").asLong(), ts(i));
            if (prev != null) {
                assertTrue(ts(i).isAfter(prev), "a product met again has a newer updated_at");
                seenAgain++;
            }
        }
        assertTrue(seenAgain > 0 && server.counters().edits() > 0);
        Map<Long, Instant> truth = new HashMap<>();
        server.truth(S, E).forEach(p -> truth.put(p.id(), p.updatedAt()));
        assertEquals(truth, latest, "latest version per id equals the truth");
        assertNotEquals(before, truth);
    }

    @Test
    void shouldAddFieldsToItemsWhenAsked() throws Exception {
        ProductsApiServer server = start();
        server.setFaults(ApiFaults.none().withNewFields(true));
        JsonNode item = new ApiClient(server, TOKEN).all(S, E, 100).get(3);
        assertTrue(item.has("dimensions_cm") && item.has("barcodes") && item.has("weight_kg"), item.toString());
    }

    @Test
    void shouldServeMalformedAnswersOnTheChosenPage() throws Exception {
        ProductsApiServer server = start();
        ApiClient c = new ApiClient(server, TOKEN);
        server.setFaults(ApiFaults.none().withMalformed(ApiFaults.Malformed.INVALID_JSON, 2));
        String cursor = ApiClient.JSON.readTree(c.get(S, E, 20, null).body()).get("next_cursor").asText();
        HttpResponse<String> page2 = c.get(S, E, 20, cursor);
        assertEquals(200, page2.statusCode());
        assertThrows(IOException.class, () -> ApiClient.JSON.readTree(page2.body()));

        server.setFaults(ApiFaults.none().withMalformed(ApiFaults.Malformed.MISSING_ID, 1));
        JsonNode data = ApiClient.JSON.readTree(c.get(S, E, 20, null).body()).get("data");
        assertEquals(1, data.valueStream().filter(i -> !i.has("id")).count());

        server.setFaults(ApiFaults.none().withMalformed(ApiFaults.Malformed.MISSING_UPDATED_AT, 1));
        data = ApiClient.JSON.readTree(c.get(S, E, 20, null).body()).get("data");
        assertEquals(1, data.valueStream().filter(i -> !i.has("updated_at")).count());
    }

    @Test
    void shouldGenerateTheSameCatalogForTheSameSeed() {
        ProductsApiServer a = start();
        ProductsApiServer b = start();
        ProductsApiServer other = start(ApiOptions.of(1500, 8, DAY, 3, TOKEN));
        assertEquals(a.truthJson(S, E), b.truthJson(S, E));
        assertNotEquals(a.truthJson(S, E), other.truthJson(S, E));
        assertNotNull(a.truth(S, E).get(0).createdAt());
    }
}
