package com.shopflow.ingest.simulator.api;

import java.util.Map;

/**
 * What the API has done so far, for tests and benchmarks to read.
 *
 * @param requests     every request received (any status, dropped ones included)
 * @param byStatus     answers sent, per HTTP status (dropped answers are not in here)
 * @param dropped      answers cut halfway
 * @param itemsServed  items in the 200 answers sent in full (duplicates included)
 * @param edits        products edited during a pagination
 */
public record ApiCounters(long requests, Map<Integer, Long> byStatus, long dropped, long itemsServed, long edits) {
    public ApiCounters {
        byStatus = Map.copyOf(byStatus);
    }

    public long status(int code) {
        return byStatus.getOrDefault(code, 0L);
    }

    public long rateLimited() {
        return status(429);
    }

    public long serverErrors() {
        return status(500) + status(502) + status(503);
    }
}
