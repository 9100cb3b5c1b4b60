package com.shopflow.ingest.api;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import java.time.Duration;

/**
 * The time one run may spend on answers that did not come: 429 waits (the wall time of the refused requests
 * included, so {@code Retry-After: 0} forever runs out too), failed attempts and the backoff after them. Past it
 * the run fails as retryable, saying so; a later retry starts with a fresh budget.
 */
final class WaitBudget {
    private final Duration total;
    private long spentNanos;

    WaitBudget(Duration total) {
        this.total = total;
    }

    long remainingMillis() {
        return Math.max(0, total.toMillis() - spentNanos / 1_000_000);
    }

    long spentMillis() {
        return spentNanos / 1_000_000;
    }

    void spend(long nanos) {
        spentNanos += Math.max(0, nanos);
    }

    /** Fails the run when waiting {@code wait} more would pass the budget; {@code why} says what the wait is for. */
    void require(Duration wait, String why) {
        if (wait.toMillis() > remainingMillis() || remainingMillis() == 0) {
            throw new Spent(why + ": waiting " + seconds(wait.toMillis())
                    + " s more would pass this run's wait budget of " + total.toSeconds() + " s (INGEST_API_MAX_WAIT_SECONDS; "
                    + seconds(spentMillis()) + " s spent); the run stops, a later retry may succeed");
        }
    }

    /** The budget is spent: retryable for the next run, but not within this one. */
    static final class Spent extends IngestException {
        Spent(String message) {
            super(ErrorCode.SOURCE_UNAVAILABLE, message);
        }

        @Override
        public ErrorCode.Retry retry() {
            return ErrorCode.Retry.NEXT_ATTEMPT;
        }
    }

    private static String seconds(long millis) {
        return millis >= 10_000 || millis % 1000 == 0 ? Long.toString(millis / 1000) : String.format(java.util.Locale.ROOT, "%.1f", millis / 1000.0);
    }
}
