package com.shopflow.ingest.api;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Reads pages of the catalog API for one interval, within the request budget: 429 answers are waited out
 * as their {@code Retry-After} says (capped, and never beyond the run's {@link WaitBudget}); 5xx answers,
 * connection resets and timeouts are retried with capped exponential backoff and jitter; 401/403 stop the
 * run at once (exit 2); a refused cursor is reported to the caller, which starts the interval over.
 */
final class ProductsSource {
    private static final Logger LOG = Logger.getLogger(ProductsSource.class);

    /** The API refused a cursor (expired or unknown): the pagination must start over. */
    record Fetched(Page page, boolean cursorRefused) {
    }

    private final ProductsHttp http;
    private final String authorization;
    private final Interval interval;
    private final int pageSize;
    private final RequestBudget budget;
    private final RetryPolicy retry;
    private final WaitBudget waits;
    private final Duration retryAfterCap;
    private final PageParser parser;
    private final FetchStats stats;

    ProductsSource(ProductsHttp http, String token, Interval interval, int pageSize, RequestBudget budget, RetryPolicy retry,
                   WaitBudget waits, Duration retryAfterCap, PageParser parser, FetchStats stats) {
        this.http = http;
        this.authorization = "Bearer " + token;
        this.interval = interval;
        this.pageSize = pageSize;
        this.budget = budget;
        this.retry = retry;
        this.waits = waits;
        this.retryAfterCap = retryAfterCap;
        this.parser = parser;
        this.stats = stats;
    }

    /** One page, retried as {@link RetryPolicy} says; every failed attempt and backoff is charged to the wait budget. */
    Fetched fetch(String cursor, int number) {
        for (int attempt = 1;; attempt++) {
            long t0 = System.nanoTime();
            try {
                return fetchOnce(cursor, number);
            } catch (IngestException e) {
                if (!Failures.retriedInRun(e) || attempt >= retry.maxAttempts()) {
                    throw e;
                }
                waits.spend(System.nanoTime() - t0);
                Duration d = retry.delayAfter(attempt);
                waits.require(d, "page " + number + " of the products API failed " + attempt + " times (last: " + e.getMessage() + ")");
                LOG.warnf("products API page %d failed (%s); retry %d of %d in %d ms", number, e.getMessage(), attempt,
                        retry.maxAttempts() - 1, d.toMillis());
                stats.retries++;
                waits.spend(d.toNanos());
                RetryPolicy.sleep(d);
            }
        }
    }

    private Fetched fetchOnce(String cursor, int number) {
        String what = "page " + number;
        while (true) {
            long t0 = System.nanoTime();
            stats.budgetWaitMillis += budget.acquire();
            stats.requests++;
            ProductsHttp.Answer r = http.get(http.pageUri(interval.start().toString(), interval.end().toString(), pageSize, cursor),
                    authorization, what);
            int status = r.status();
            if (status == 200) {
                Page page = parser.parse(r.body(), number, cursor, interval, Instant.now());
                stats.pages++;
                stats.items += page.items().size();
                stats.skipped += page.skipped();
                return new Fetched(page, false);
            }
            if (status == 429) {
                waits.spend(System.nanoTime() - t0);
                waitOut(r.header("Retry-After"), number);
                continue;
            }
            ErrorCode code = Failures.httpStatus(status);
            if (code == ErrorCode.AUTH) {
                throw new IngestException(code, "the products API refused the token (HTTP " + status
                        + "): check PRODUCTS_API_TOKEN / PRODUCTS_API_TOKEN_FILE; retrying will not help");
            }
            if (cursor != null && (status == 400 || status == 404 || status == 410 || status == 422)) {
                LOG.warnf("the products API refused the cursor of page %d (HTTP %d: %s)", number, status, snippet(r.body()));
                return new Fetched(null, true);
            }
            if (code == ErrorCode.SOURCE_UNAVAILABLE) {
                throw new IngestException(code, "the products API answered HTTP " + status
                        + " on page " + number + "; a retry may succeed");
            }
            throw new IngestException(code, "the products API answered HTTP " + status + " on page " + number
                    + " (" + snippet(r.body()) + "): check PRODUCTS_API_URL");
        }
    }

    private void waitOut(String header, int number) {
        stats.rateLimited++;
        RetryAfter asked = RetryAfter.parse(header);
        Duration d = asked.delay();
        if (!asked.readable() && header != null) {
            LOG.warnf("rate limited on page %d with an unreadable Retry-After (%s): waiting %d s", number, snippet(header), d.toSeconds());
        }
        waits.require(d, "the products API rate-limits page " + number + " and asks to wait " + d.toSeconds() + " s (Retry-After)");
        if (d.compareTo(retryAfterCap) > 0) {
            LOG.warnf("rate limited on page %d: Retry-After %d s capped at %d s (INGEST_API_RETRY_AFTER_CAP_SECONDS)", number,
                    d.toSeconds(), retryAfterCap.toSeconds());
            d = retryAfterCap;
        } else {
            LOG.infof("rate limited on page %d: waiting %d ms as Retry-After says", number, d.toMillis());
        }
        // A little jitter spreads pods that were refused together.
        d = d.plusMillis(ThreadLocalRandom.current().nextLong(50, 250));
        stats.rateLimitWaitMillis += d.toMillis();
        waits.spend(d.toNanos());
        RetryPolicy.sleep(d);
    }

    private static String snippet(byte[] body) {
        return body == null || body.length == 0 ? "no body" : snippet(new String(body, 0, Math.min(body.length, 400), StandardCharsets.UTF_8));
    }

    private static String snippet(String s) {
        String one = s.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        return one.length() > 200 ? one.substring(0, 200) + "..." : one;
    }
}
