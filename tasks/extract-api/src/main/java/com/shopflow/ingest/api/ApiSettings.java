package com.shopflow.ingest.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Settings of the products extraction. The contract's variables are mapped in application.properties
 * ({@code PRODUCTS_API_URL}, {@code PRODUCTS_API_TOKEN}, {@code PRODUCTS_API_TOKEN_FILE}); every other key is
 * settable by environment too ({@code ingest.api.budget-requests} is {@code INGEST_API_BUDGET_REQUESTS}).
 */
@ConfigMapping(prefix = "ingest.api")
public interface ApiSettings {
    /** Base URL of the catalog API (PRODUCTS_API_URL). */
    Optional<String> url();

    /** Bearer token (PRODUCTS_API_TOKEN); secret, never logged. */
    Optional<String> token();

    /** A file holding the token (PRODUCTS_API_TOKEN_FILE, a secret volume); used when {@code token} is unset. */
    Optional<String> tokenFile();

    /** Items per page, 1..100. */
    @WithDefault("100")
    int pageSize();

    /** Pages per durable checkpoint: a killed run asks again for at most this many pages. */
    @WithDefault("10")
    int pagesPerChunk();

    /** Requests allowed per budget window, shared by every run using the same URL and token. */
    @WithDefault("95")
    int budgetRequests();

    @WithDefault("60")
    int budgetWindowSeconds();

    /**
     * Age beyond which a saved cursor is not trusted: the API keeps cursors at least 15 minutes, and the
     * margin covers the time until the next request is sent.
     */
    @WithDefault("840")
    long cursorMaxAgeSeconds();

    /** Attempts per page for transient failures (5xx, resets, timeouts); 429 answers do not count. */
    @WithDefault("8")
    int maxAttempts();

    /**
     * The run's wait budget: the time one run may spend on answers that did not come (429 waits with the refused
     * requests themselves, failed attempts and the backoff after them). Beyond it the run fails as retryable.
     */
    @WithDefault("900")
    long maxWaitSeconds();

    /** The longest wait a {@code Retry-After} may impose at once; a longer one is capped (and logged). */
    @WithDefault("300")
    long retryAfterCapSeconds();

    /** Connection set-up. */
    @WithDefault("10")
    int connectTimeoutSeconds();

    /** Idle timeout: the longest the API may send no byte, headers and body alike. */
    @WithDefault("30")
    int readTimeoutSeconds();

    /** Deadline for one whole request, body included: a body that trickles a byte at a time still ends. */
    @WithDefault("120")
    int requestTimeoutSeconds();

    /** The largest answer accepted for one page (a larger one is a DATA error); about 80 KB per item at 100 items, and it fits the 128 MB heap of the images. */
    @WithDefault("8388608")
    long maxPageBytes();

    /** Pages in a row that add no item beyond the greatest (updated_at, id) seen, while a next_cursor still comes. */
    @WithDefault("5")
    int maxPagesWithoutProgress();

    /** Deepest nesting of an item that lands; deeper ones are quarantined (jsonb's parser is limited by its stack). */
    @WithDefault("1000")
    int maxItemDepth();

    /** Share of an interval's items that may be quarantined before the run fails (exit 3), as land-files does per file. */
    @WithDefault("0.05")
    double maxBadShare();

    /** Clean restarts of the interval a run may make when the API refuses its cursor. */
    @WithDefault("3")
    int maxCursorRestarts();
}
