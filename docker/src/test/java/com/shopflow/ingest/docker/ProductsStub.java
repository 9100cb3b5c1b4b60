package com.shopflow.ingest.docker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A products catalog API on 127.0.0.1 as CONTRACT §1.2 describes it, for a handful of products: bearer token,
 * {@code [updated_since, updated_before)} filter, one page (no cursor). Enough to land a partition through the
 * image's command line; the API's faults are extract-api's own tests.
 */
public final class ProductsStub implements AutoCloseable {
    /** A product as the API serves it. */
    public record Product(long id, Instant updatedAt) {
        String json() {
            return "{\"id\":" + id + ",\"sku\":\"SKU-" + id + "\",\"name\":\"Thé vert " + id + "\",\"category\":null,\"price\":\"12.50\","
                    + "\"currency\":\"EUR\",\"active\":true,\"attributes\":{\"colour\":\"green\"},\"created_at\":\"" + updatedAt
                    + "\",\"updated_at\":\"" + updatedAt + "\"}";
        }
    }

    private final HttpServer server;

    public ProductsStub(String token, List<Product> products) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/products", ex -> respond(ex, token, products));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, String token, List<Product> products) throws IOException {
        try (ex) {
            if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "{\"error\":\"unauthorized\"}");
                return;
            }
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            Instant since = Instant.parse(q.getOrDefault("updated_since", "1970-01-01T00:00:00Z").replace("+00:00", "Z"));
            Instant before = Instant.parse(q.getOrDefault("updated_before", "9999-01-01T00:00:00Z").replace("+00:00", "Z"));
            String data = String.join(",", products.stream()
                    .filter(p -> !p.updatedAt().isBefore(since) && p.updatedAt().isBefore(before)).map(Product::json).toList());
            send(ex, 200, "{\"data\":[" + data + "],\"next_cursor\":null}");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
