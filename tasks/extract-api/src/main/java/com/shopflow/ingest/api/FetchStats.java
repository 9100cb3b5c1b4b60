package com.shopflow.ingest.api;

/** What a run did against the API, for the summary and the ledger. */
final class FetchStats {
    long requests;
    long rateLimited;
    long retries;
    long pages;
    long items;
    long skipped;
    long budgetWaitMillis;
    long rateLimitWaitMillis;
    int cursorRestarts;
    long quarantined;
}
