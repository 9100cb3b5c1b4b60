package com.shopflow.ingest.simulator.api;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** The contract's limit: at most {@code limit} requests per token in any rolling window. */
final class RateLimiter {
    private final int limit;
    private final long windowNanos;
    private final Map<String, Deque<Long>> byToken = new HashMap<>();

    RateLimiter(int limit, long windowNanos) {
        this.limit = limit;
        this.windowNanos = windowNanos;
    }

    /** Counts the request and returns 0 if it is allowed; otherwise the seconds until it would be (at least 1). */
    synchronized long acquire(String token, long nowNanos) {
        Deque<Long> q = byToken.computeIfAbsent(token, t -> new ArrayDeque<>());
        while (!q.isEmpty() && nowNanos - q.peekFirst() >= windowNanos) {
            q.removeFirst();
        }
        if (q.size() >= limit) {
            long waitNanos = q.peekFirst() + windowNanos - nowNanos;
            return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        }
        q.addLast(nowNanos);
        return 0;
    }
}
