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

    /** Total time a run may spend waiting on 429 answers before it gives up (retryable). */
    @WithDefault("1800")
    long rateLimitMaxWaitSeconds();

    @WithDefault("10")
    int connectTimeoutSeconds();

    @WithDefault("30")
    int readTimeoutSeconds();

    /** Clean restarts of the interval a run may make when the API refuses its cursor. */
    @WithDefault("3")
    int maxCursorRestarts();
}
