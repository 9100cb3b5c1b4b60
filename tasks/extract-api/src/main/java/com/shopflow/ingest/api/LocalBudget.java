package com.shopflow.ingest.api;

import com.shopflow.ingest.core.RetryPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/** A budget for this process alone (dry runs, which must not write to the warehouse). */
final class LocalBudget implements RequestBudget {
    private final int limit;
    private final long windowNanos;
    private final Deque<Long> sent = new ArrayDeque<>();

    LocalBudget(int limit, Duration window) {
        this.limit = limit;
        this.windowNanos = window.toNanos();
    }

    @Override
    public synchronized long acquire() {
        long t0 = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            while (!sent.isEmpty() && now - sent.peekFirst() >= windowNanos) {
                sent.removeFirst();
            }
            if (sent.size() < limit) {
                sent.addLast(now);
                return (now - t0) / 1_000_000;
            }
            RetryPolicy.sleep(Duration.ofNanos(sent.peekFirst() + windowNanos - now + 1_000_000));
        }
    }
}
