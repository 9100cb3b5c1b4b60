package com.shopflow.ingest.core;

/**
 * What went wrong, and so which exit code the process ends with and who tries again: this enum is the project's
 * one failure table. Each code declares its {@link Retry}: retried inside the run (a blip), by the next attempt
 * (Airflow, later, when the outside world may have moved) or never (a retry fails the same way). Exit 2 is the
 * contract's "usage or configuration error"; 3 (data) and 4 (schema) are kept apart so an on-call engineer can
 * tell them from the exit code alone. Airflow fails fast on an exit code all of whose codes say {@code NEVER}. The
 * DAGs read that rule from {@code dags/shopflow/exit_codes.json} and picocli's "Exit codes" help is built from it
 * ({@link com.shopflow.ingest.core.cli.ExitCodeHelp}); {@code ExitCodesFileTest} keeps both equal to this enum.
 */
public enum ErrorCode {
    /** Bad flags, unknown table, bad timestamp, end not after start. */
    USAGE(2, Retry.NEVER),
    /** A missing or invalid setting or environment variable. */
    CONFIG(2, Retry.NEVER),
    /** Wrong password, bad token, refused role: fix the secret, do not retry. */
    AUTH(2, Retry.NEVER),
    /** Source unreachable, connection dropped, server restarting, 5xx, rate limited beyond budget. */
    SOURCE_UNAVAILABLE(1, Retry.IN_RUN),
    /** Warehouse unreachable or connection dropped. */
    WAREHOUSE_UNAVAILABLE(1, Retry.IN_RUN),
    /** Another run holds this partition (the lock wait is bounded; the run tries again after a backoff). */
    LOCKED(1, Retry.IN_RUN),
    /** Input not ready yet (e.g. a day without _DONE, a file still being written): the next attempt may find it. */
    NOT_READY(1, Retry.NEXT_ATTEMPT),
    /** Malformed input beyond tolerance: a retry against the same input fails the same way. */
    DATA(3, Retry.NEVER),
    /**
     * {@code verify}: the landed partition differs from what its source holds for the interval now (the report says
     * where). Re-landing the interval is the usual fix; retrying the comparison finds the same.
     */
    DIFFERENT(3, Retry.NEVER),
    /** A schema change the table's policy refuses (dropped column, incompatible type). */
    SCHEMA(4, Retry.NEVER),
    /** An unclassified failure whose cause chain shows a broken wire (an I/O error): a retry may succeed. */
    TRANSIENT(1, Retry.IN_RUN),
    /**
     * A bug or an unexpected state: not retried inside the run (a bug repeats at once); its exit code 1 lets
     * Airflow try once more later, when the state may have changed. The message and {@code --debug} say more.
     */
    INTERNAL(1, Retry.NEXT_ATTEMPT);

    /** Who tries again after a failure with this code. */
    public enum Retry {
        /** The run itself, from its last checkpoint, with capped exponential backoff ({@code RetryPolicy}). */
        IN_RUN,
        /** Not this run; the orchestrator's next attempt (exit code 1). */
        NEXT_ATTEMPT,
        /** Nobody: a retry fails the same way; Airflow fails fast on the exit code. */
        NEVER
    }

    private final int exitCode;
    private final Retry retry;

    ErrorCode(int exitCode, Retry retry) {
        this.exitCode = exitCode;
        this.retry = retry;
    }

    public int exitCode() {
        return exitCode;
    }

    public Retry retry() {
        return retry;
    }

    /**
     * The run summary's {@code retryable}: a retry is expected to help, inside the run or by the next attempt. A bug
     * ({@link #INTERNAL}) is tried once more by Airflow only because it shares exit 1, so it does not say so.
     */
    public boolean retryable() {
        return retry != Retry.NEVER && this != INTERNAL;
    }

    /** True when every code with this exit code says {@link Retry#NEVER}: Airflow fails such an exit at once. */
    public static boolean failsFast(int exitCode) {
        boolean any = false;
        for (ErrorCode c : values()) {
            if (c.exitCode == exitCode) {
                any = true;
                if (c.retry != Retry.NEVER) {
                    return false;
                }
            }
        }
        return any;
    }
}
