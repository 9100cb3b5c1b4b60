package com.shopflow.ingest.simulator.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The products catalog API of CONTRACT §1.2 on a loopback port, usable in-process by any module's tests:
 * {@code GET /v1/products?updated_since=&updated_before=&limit=[&cursor=]} with a bearer token, cursor
 * pagination in {@code (updated_at, id)} order, the per-token rolling-window rate limit answered with 429
 * and {@code Retry-After}, and the faults of {@link ApiFaults}, switchable while it runs.
 */
public final class ProductsApiServer implements AutoCloseable {
    private final ApiOptions options;
    private final ProductCatalog catalog;
    private final RateLimiter limiter;
    private final byte[] cursorSecret;
    private final Random faultRandom;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong authorised = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong itemsServed = new AtomicLong();
    private final AtomicLong edits = new AtomicLong();
    private final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
    private volatile ApiFaults faults;
    private HttpLoop http;

    private ProductsApiServer(ApiOptions options) {
        this.options = options;
        this.catalog = ProductCatalog.generate(options.products(), options.seed(), options.firstDay(), options.days());
        this.limiter = new RateLimiter(options.rateLimit(), options.rateWindow().toNanos());
        this.cursorSecret = ("shopflow-products-" + options.seed()).getBytes(StandardCharsets.UTF_8);
        this.faultRandom = new Random(options.seed() ^ 0x5eed_fa17L);
        this.faults = options.faults();
    }

    /** Generates the catalog and starts serving; {@link #port()} tells where. */
    public static ProductsApiServer start(ApiOptions options) {
        ProductsApiServer s = new ProductsApiServer(options);
        try {
            s.http = new HttpLoop(options.bindAddress(), options.port(), s::handle);
        } catch (java.net.BindException e) {
            String where = options.bindAddress() + ":" + options.port();
            throw new IllegalStateException("the products API could not listen on " + where + ": "
                    + ("Address already in use".equals(e.getMessage()) ? "the port is already taken by another program (an earlier simulator api?);"
                    + " stop it or choose another --port (0: any free port)" : e.getMessage()), e);
        } catch (IOException e) {
            throw new IllegalStateException("the products API could not listen on " + options.bindAddress() + ":" + options.port() + ": "
                    + e.getMessage(), e);
        }
        return s;
    }

    public int port() {
        return http.port();
    }

    /** The base URL, as PRODUCTS_API_URL takes it. */
    public String url() {
        String host = options.bindAddress().equals("0.0.0.0") ? "127.0.0.1" : options.bindAddress();
        return "http://" + host + ":" + port();
    }

    public ApiOptions options() {
        return options;
    }

    public void setFaults(ApiFaults f) {
        this.faults = f == null ? ApiFaults.none() : f;
    }

    public ApiFaults faults() {
        return faults;
    }

    public ApiCounters counters() {
        Map<Integer, Long> s = new LinkedHashMap<>();
        byStatus.forEach((k, v) -> s.put(k, v.get()));
        return new ApiCounters(requests.get(), s, dropped.get(), itemsServed.get(), edits.get());
    }

    /** The products an extraction of {@code [start, end)} should land, one per id (the current version), by id. */
    public List<Product> truth(Instant start, Instant end) {
        return catalog.between(Product.micros(start), Product.micros(end));
    }

    /** {@link #truth} as the items are served now (with new fields if they are switched on), id to JSON. */
    public Map<Long, String> truthJson(Instant start, Instant end) {
        boolean nf = faults.newFields();
        Map<Long, String> out = new LinkedHashMap<>();
        for (Product p : truth(start, end)) {
            out.put(p.id(), p.json(nf));
        }
        return out;
    }

    public void stop() {
        if (http != null) {
            http.close();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private HttpLoop.Response handle(HttpLoop.Request r) {
        requests.incrementAndGet();
        HttpLoop.Response resp = route(r);
        if (resp.cutHalfway()) {
            dropped.incrementAndGet();
        } else {
            byStatus.computeIfAbsent(resp.status(), k -> new AtomicLong()).incrementAndGet();
        }
        return resp;
    }

    private HttpLoop.Response route(HttpLoop.Request r) {
        if (!r.path().equals("/v1/products")) {
            return error(404, "not_found", "no such resource: " + r.path());
        }
        if (!r.method().equals("GET")) {
            return error(405, "method_not_allowed", "use GET");
        }
        String auth = r.header("authorization");
        if (auth == null || !auth.startsWith("Bearer ") || !MessageDigest.isEqual(
                auth.substring(7).trim().getBytes(StandardCharsets.UTF_8), options.token().getBytes(StandardCharsets.UTF_8))) {
            return new HttpLoop.Response(401, Map.of("WWW-Authenticate", "Bearer"),
                    "{\"error\":\"unauthorized\",\"message\":\"missing or invalid bearer token\"}".getBytes(StandardCharsets.UTF_8), false);
        }
        long wait = limiter.acquire(options.token(), System.nanoTime());
        if (wait > 0) {
            return new HttpLoop.Response(429, Map.of("Retry-After", Long.toString(wait)),
                    ("{\"error\":\"rate_limited\",\"message\":\"at most " + options.rateLimit() + " requests per "
                            + options.rateWindow().toSeconds() + " s\"}").getBytes(StandardCharsets.UTF_8), false);
        }
        ApiFaults f = faults;
        long n = authorised.incrementAndGet();
        boolean fail;
        boolean cut;
        int failStatus;
        synchronized (faultRandom) {
            fail = (f.errorEvery() > 0 && n % f.errorEvery() == 0) || (f.errorRate() > 0 && faultRandom.nextDouble() < f.errorRate());
            cut = (f.dropEvery() > 0 && n % f.dropEvery() == 0) || (f.dropRate() > 0 && faultRandom.nextDouble() < f.dropRate());
            failStatus = new int[] {500, 502, 503}[(int) (n % 3)];
        }
        if (fail) {
            return error(failStatus, "unavailable", "transient failure, try again");
        }
        return page(r, f, cut);
    }

    private HttpLoop.Response page(HttpLoop.Request r, ApiFaults f, boolean cut) {
        Instant since = timestamp(r.query().get("updated_since"));
        Instant before = timestamp(r.query().get("updated_before"));
        if (since == null || before == null) {
            return error(400, "invalid_request", "updated_since and updated_before are required ISO-8601 timestamps");
        }
        int limit;
        try {
            limit = r.query().containsKey("limit") ? Integer.parseInt(r.query().get("limit")) : 100;
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 100) {
            return error(400, "invalid_request", "limit must be 1..100");
        }
        long s = Product.micros(since);
        long b = Product.micros(before);
        Cursor after = null;
        String cursorText = r.query().get("cursor");
        if (cursorText != null && !cursorText.isEmpty()) {
            try {
                after = Cursor.decode(cursorText, cursorSecret, s, b, System.currentTimeMillis(), options.cursorLifetime().toMillis());
            } catch (Cursor.Rejected e) {
                return error(400, e.expired ? "cursor_expired" : "invalid_cursor", e.getMessage());
            } catch (RuntimeException e) {
                return error(400, "invalid_cursor", "cursor is not valid");
            }
        }
        int pageNo = after == null ? 1 : after.page() + 1;
        ProductCatalog.Slice slice = catalog.page(s, b, after == null ? null : after.key(), limit);
        List<Product> items = withDuplicates(slice.items(), after, f);
        Product last = slice.items().isEmpty() ? null : slice.items().get(slice.items().size() - 1);
        String next = slice.more() && last != null
                ? new Cursor(last.updatedAtMicros(), last.id(), s, b, pageNo, System.currentTimeMillis()).encode(cursorSecret) : null;
        boolean malformed = f.malformed() != ApiFaults.Malformed.NONE && pageNo == f.malformedPage();
        String body = render(items, next, f, malformed);
        if (!cut) {
            itemsServed.addAndGet(items.size());
            if (next != null && f.editsPerPage() > 0) {
                edit(slice.items(), last.updatedAtMicros(), b, f.editsPerPage());
            }
        }
        return new HttpLoop.Response(200, Map.of(), body.getBytes(StandardCharsets.UTF_8), cut);
    }

    /** Duplicates as real APIs make them: an item repeated in place, a page starting again at the last item of the one before. */
    private List<Product> withDuplicates(List<Product> items, Cursor after, ApiFaults f) {
        if (f.duplicateRate() <= 0) {
            return items;
        }
        List<Product> out = new ArrayList<>(items.size() + 4);
        synchronized (faultRandom) {
            if (after != null && faultRandom.nextDouble() < f.duplicateRate()) {
                Product previous = catalog.at(after.key());
                if (previous != null) {
                    out.add(previous);
                }
            }
            for (Product p : items) {
                out.add(p);
                if (faultRandom.nextDouble() < f.duplicateRate()) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** Moves products just served to a later updated_at within the query, so that this pagination meets them again. */
    private void edit(List<Product> served, long lastMicros, long before, int count) {
        if (before - lastMicros < 2) {
            return;
        }
        synchronized (faultRandom) {
            for (int i = 0; i < count && !served.isEmpty(); i++) {
                Product p = served.get(faultRandom.nextInt(served.size()));
                long at = lastMicros + 1 + (long) (faultRandom.nextDouble() * (before - lastMicros - 1));
                if (at < before && catalog.edit(p, at) != null) {
                    edits.incrementAndGet();
                }
            }
        }
    }

    private static String render(List<Product> items, String next, ApiFaults f, boolean malformed) {
        StringBuilder b = new StringBuilder(items.size() * 400 + 64).append("{\"data\":[");
        int broken = malformed ? items.size() / 2 : -1;
        String omit = switch (f.malformed()) {
            case MISSING_ID -> "id";
            case MISSING_UPDATED_AT -> "updated_at";
            default -> null;
        };
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(items.get(i).json(f.newFields(), i == broken ? omit : null));
        }
        b.append("],\"next_cursor\":").append(next == null ? "null" : JsonText.quote(next)).append('}');
        if (malformed && f.malformed() == ApiFaults.Malformed.INVALID_JSON) {
            // A complete HTTP answer whose body is not JSON: the object is cut and garbage follows.
            return b.substring(0, Math.max(1, b.length() / 2)) + "<html>upstream error";
        }
        return b.toString();
    }

    private static Instant timestamp(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            // A '+' sent unencoded in a query string arrives as a space.
            return OffsetDateTime.parse(s.trim().replace(' ', '+')).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static HttpLoop.Response error(int status, String code, String message) {
        return HttpLoop.Response.json(status, "{\"error\":" + JsonText.quote(code) + ",\"message\":" + JsonText.quote(message) + "}");
    }
}
