package com.shopflow.ingest.core;

/**
 * What went wrong, and so which exit code the process ends with and whether trying again can help.
 * Exit 2 is the contract's "usage or configuration error"; 3 (data) and 4 (schema) are kept apart so an
 * on-call engineer can tell them from the exit code alone. {@link #retryable()} decides the retries inside a
 * run; Airflow retries an exit code only if some code with it is retryable, so it fails fast on 2, 3 and 4.
 * The DAGs read that rule from {@code dags/shopflow/exit_codes.json}, which {@code ExitCodesFileTest} keeps
 * equal to this enum.
 */
public enum ErrorCode {
    /** Bad flags, unknown table, bad timestamp, end not after start. */
    USAGE(2, false),
    /** A missing or invalid setting or environment variable. */
    CONFIG(2, false),
    /** Wrong password, bad token, refused role: fix the secret, do not retry. */
    AUTH(2, false),
    /** Source unreachable, connection dropped, server restarting, 5xx, rate limited beyond budget. */
    SOURCE_UNAVAILABLE(1, true),
    /** Warehouse unreachable or connection dropped. */
    WAREHOUSE_UNAVAILABLE(1, true),
    /** Another run holds this partition. */
    LOCKED(1, true),
    /** Input not ready yet (e.g. a day without _DONE). */
    NOT_READY(1, true),
    /** Malformed input beyond tolerance: a retry against the same input fails the same way. */
    DATA(3, false),
    /** A schema change the table's policy refuses (dropped column, incompatible type). */
    SCHEMA(4, false),
    /** An unclassified failure whose cause chain shows a broken wire (an I/O error): a retry may succeed. */
    TRANSIENT(1, true),
    /**
     * A bug or an unexpected state: not retried inside the run (a bug repeats at once); the exit code 1 still
     * lets Airflow try once more later, when the state may have changed. The message and {@code --debug} say more.
     */
    INTERNAL(1, false);

    private final int exitCode;
    private final boolean retryable;

    ErrorCode(int exitCode, boolean retryable) {
        this.exitCode = exitCode;
        this.retryable = retryable;
    }

    public int exitCode() {
        return exitCode;
    }

    public boolean retryable() {
        return retryable;
    }

    /** True when no code with this exit code is retryable: Airflow fails such an exit at once. */
    public static boolean failsFast(int exitCode) {
        boolean any = false;
        for (ErrorCode c : values()) {
            if (c.exitCode == exitCode) {
                any = true;
                if (c.retryable) {
                    return false;
                }
            }
        }
        return any;
    }
}
