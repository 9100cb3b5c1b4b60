package com.shopflow.ingest.core;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Capped exponential backoff with full jitter, for transient failures inside one run. Airflow's retries
 * are the outer loop; this one absorbs blips (a dropped connection, a server restart) without losing the
 * run's progress.
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration cap) {
    private static final Logger LOG = Logger.getLogger(RetryPolicy.class);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
    }

    public static RetryPolicy of(int maxAttempts, long baseMillis, long capMillis) {
        return new RetryPolicy(maxAttempts, Duration.ofMillis(baseMillis), Duration.ofMillis(capMillis));
    }

    /** The configured policy ({@code INGEST_RETRY_*}): the one place every task takes it from. */
    public static RetryPolicy from(com.shopflow.ingest.core.config.IngestConfig.Retry r) {
        return of(r.maxAttempts(), r.baseMillis(), r.capMillis());
    }

    /** The same backoff with another number of attempts (e.g. a task's own setting for its source). */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, base, cap);
    }

    /** Delay before attempt {@code attempt + 1} (attempt counts from 1): uniform in [d/2, d], d = min(cap, base * 2^(attempt-1)). */
    public Duration delayAfter(int attempt) {
        long b = Math.max(1, base.toMillis());
        long exp = attempt >= 31 ? Long.MAX_VALUE : b << Math.min(attempt - 1, 30);
        long d = Math.min(cap.toMillis(), exp < 0 ? Long.MAX_VALUE : exp);
        long half = d / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(d - half + 1));
    }

    public interface Step<T> {
        T run(int attempt) throws Exception;
    }

    /**
     * Runs {@code step} until it succeeds, fails permanently, or the attempts are spent. Failures are
     * classified by {@link Failures#retriedInRun}; the last one is rethrown as is.
     */
    public <T> T run(String what, Step<T> step) throws Exception {
        for (int attempt = 1;; attempt++) {
            try {
                return step.run(attempt);
            } catch (Exception e) {
                if (!Failures.retriedInRun(e) || attempt >= maxAttempts) {
                    throw e;
                }
                Duration d = delayAfter(attempt);
                LOG.warnf("%s failed (%s); retry %d of %d in %d ms", what, Failures.oneLine(e), attempt, maxAttempts - 1, d.toMillis());
                sleep(d);
            }
        }
    }

    public static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IngestException(ErrorCode.INTERNAL, "interrupted while waiting to retry");
        }
    }
}
