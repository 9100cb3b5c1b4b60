package com.shopflow.ingest.api;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.RetryPolicy;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Reads pages of the catalog API for one interval, within the request budget: 429 answers are waited out
 * as their {@code Retry-After} says (they never fail a run, up to a generous total wait); 5xx answers,
 * connection resets and timeouts are retried with capped exponential backoff and jitter; 401/403 stop the
 * run at once (exit 2); a refused cursor is reported to the caller, which starts the interval over.
 */
final class ProductsSource {
    private static final Logger LOG = Logger.getLogger(ProductsSource.class);

    /** The API refused a cursor (expired or unknown): the pagination must start over. */
    record Fetched(Page page, boolean cursorRefused) {
    }

    private final ProductsClient client;
    private final String authorization;
    private final Interval interval;
    private final int pageSize;
    private final RequestBudget budget;
    private final RetryPolicy retry;
    private final Duration maxRateLimitWait;
    private final FetchStats stats;

    ProductsSource(ProductsClient client, String token, Interval interval, int pageSize, RequestBudget budget, RetryPolicy retry,
                   Duration maxRateLimitWait, FetchStats stats) {
        this.client = client;
        this.authorization = "Bearer " + token;
        this.interval = interval;
        this.pageSize = pageSize;
        this.budget = budget;
        this.retry = retry;
        this.maxRateLimitWait = maxRateLimitWait;
        this.stats = stats;
    }

    Fetched fetch(String cursor, int number) throws Exception {
        return retry.run("products API page " + number, attempt -> {
            if (attempt > 1) {
                stats.retries++;
            }
            return fetchOnce(cursor, number);
        });
    }

    private Fetched fetchOnce(String cursor, int number) {
        while (true) {
            stats.budgetWaitMillis += budget.acquire();
            stats.requests++;
            Response r = call(cursor, number);
            try {
                int status = r.getStatus();
                if (status == 200) {
                    String body;
                    try {
                        body = r.readEntity(String.class);
                    } catch (RuntimeException e) {
                        throw new IngestException(ErrorCode.SOURCE_UNAVAILABLE, "the answer to page " + number
                                + " broke off: " + Failures.oneLine(e), e);
                    }
                    Page page = PageParser.parse(body == null ? "" : body, number, interval, Instant.now());
                    stats.pages++;
                    stats.items += page.items().size();
                    stats.skipped += page.skipped();
                    return new Fetched(page, false);
                }
                if (status == 429) {
                    waitOut(r, number);
                    continue;
                }
                if (status == 401 || status == 403) {
                    throw new IngestException(ErrorCode.AUTH, "the products API refused the token (HTTP " + status
                            + "): check PRODUCTS_API_TOKEN / PRODUCTS_API_TOKEN_FILE; retrying will not help");
                }
                if (cursor != null && (status == 400 || status == 404 || status == 410 || status == 422)) {
                    LOG.warnf("the products API refused the cursor of page %d (HTTP %d: %s)", number, status, snippet(r));
                    return new Fetched(null, true);
                }
                if (status >= 500 || status == 408) {
                    throw new IngestException(ErrorCode.SOURCE_UNAVAILABLE, "the products API answered HTTP " + status
                            + " on page " + number + "; a retry may succeed");
                }
                throw new IngestException(ErrorCode.CONFIG, "the products API answered HTTP " + status + " on page " + number
                        + " (" + snippet(r) + "): check PRODUCTS_API_URL");
            } finally {
                r.close();
            }
        }
    }

    private Response call(String cursor, int number) {
        try {
            return client.list(authorization, interval.start().toString(), interval.end().toString(), pageSize, cursor);
        } catch (WebApplicationException e) {
            return e.getResponse();
        } catch (RuntimeException e) {
            if (Failures.find(e, UnknownHostException.class) != null) {
                throw new IngestException(ErrorCode.CONFIG, "the products API host is unknown (" + Failures.oneLine(e)
                        + "): check PRODUCTS_API_URL", e);
            }
            throw new IngestException(ErrorCode.SOURCE_UNAVAILABLE, "the products API connection failed on page " + number + ": "
                    + Failures.oneLine(e), e);
        }
    }

    private void waitOut(Response r, int number) {
        stats.rateLimited++;
        Duration d = retryAfter(r.getHeaderString("Retry-After"));
        if (stats.rateLimitWaitMillis + d.toMillis() > maxRateLimitWait.toMillis()) {
            throw new IngestException(ErrorCode.SOURCE_UNAVAILABLE, "the products API kept answering 429 (rate limited) for "
                    + stats.rateLimitWaitMillis / 1000 + " s on page " + number + "; another consumer may be using the token");
        }
        LOG.infof("rate limited on page %d: waiting %d ms as Retry-After says", number, d.toMillis());
        stats.rateLimitWaitMillis += d.toMillis();
        RetryPolicy.sleep(d);
    }

    /** Seconds or an HTTP date; without one, a second. A little jitter spreads pods that were refused together. */
    static Duration retryAfter(String header) {
        long ms = 1000;
        if (header != null && !header.isBlank()) {
            String h = header.trim();
            try {
                ms = Math.max(0, Long.parseLong(h)) * 1000;
            } catch (NumberFormatException e) {
                try {
                    ms = Math.max(0, Duration.between(Instant.now(), ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME)).toMillis());
                } catch (RuntimeException ignored) {
                    // Unreadable: wait the default.
                }
            }
        }
        return Duration.ofMillis(ms + ThreadLocalRandom.current().nextLong(50, 250));
    }

    private static String snippet(Response r) {
        try {
            String body = r.readEntity(String.class);
            if (body == null) {
                return "no body";
            }
            body = body.replaceAll("\\s+", " ");
            return body.length() > 200 ? body.substring(0, 200) + "..." : body;
        } catch (RuntimeException e) {
            return "unreadable body";
        }
    }
}
