package com.shopflow.ingest.simulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A plain JDK HTTP client for the simulator's own tests. */
final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    ApiClient(ProductsApiServer server, String token) {
        this.base = server.url();
        this.token = token;
    }

    HttpResponse<String> get(Instant since, Instant before, int limit, String cursor) throws IOException, InterruptedException {
        String q = "updated_since=" + enc(since.toString()) + "&updated_before=" + enc(before.toString()) + "&limit=" + limit
                + (cursor == null ? "" : "&cursor=" + enc(cursor));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/products?" + q)).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every item of a pagination, pages in order (fails on any non-200). */
    List<JsonNode> all(Instant since, Instant before, int limit) throws IOException, InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 10_000; page++) {
            HttpResponse<String> r = get(since, before, limit, cursor);
            if (r.statusCode() != 200) {
                throw new AssertionError("page " + (page + 1) + " answered " + r.statusCode() + ": " + r.body());
            }
            JsonNode body = JSON.readTree(r.body());
            body.get("data").forEach(out::add);
            JsonNode next = body.get("next_cursor");
            if (next == null || next.isNull()) {
                return out;
            }
            cursor = next.asText();
        }
        throw new AssertionError("pagination did not end");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
