package com.shopflow.ingest.core;

/**
 * What went wrong, and so which exit code the process ends with and whether trying again can help.
 * Exit 2 is the contract's "usage or configuration error"; 1, 3 and 4 are failures the contract
 * leaves open to a retry, kept apart so an on-call engineer can tell them from the exit code alone.
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
    /** A bug or an unexpected state: retrying may help, the message and log say more. */
    INTERNAL(1, true);

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
}
