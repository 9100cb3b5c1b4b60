package com.shopflow.ingest.core;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * The one classification table for failures that are not yet an {@link IngestException}: SQLStates, HTTP statuses
 * and I/O exceptions. The caller names the {@link Side} the failure came from; it is never guessed from a message.
 * PostgreSQL SQLStates decide where present: class 08 (connection), 40001 (serialization), 40P01 (deadlock),
 * 57P01-57P03 (server shutting down or starting), 53xxx (out of resources) and 55P03 (lock timeout) are transient;
 * class 28 (authentication), 3D000 (no such database) and 42501 (privilege) are configuration errors that no retry
 * can fix; class 22 (data exception) and 54001 (statement too complex) are data the warehouse refuses, which a
 * retry refuses again. Who retries a classified failure is its {@link ErrorCode#retry()}.
 */
public final class Failures {
    private Failures() {
    }

    /** Where a failure came from: it names the party in the message and picks the "unavailable" code. */
    public enum Side {
        SOURCE_DB("source database", ErrorCode.SOURCE_UNAVAILABLE),
        WAREHOUSE("warehouse", ErrorCode.WAREHOUSE_UNAVAILABLE),
        API("the products API", ErrorCode.SOURCE_UNAVAILABLE),
        FILE("the drop", ErrorCode.NOT_READY);

        private final String what;
        private final ErrorCode unavailable;

        Side(String what, ErrorCode unavailable) {
            this.what = what;
            this.unavailable = unavailable;
        }

        public String what() {
            return what;
        }

        public ErrorCode unavailable() {
            return unavailable;
        }
    }

    /**
     * Whether the run itself tries {@code t} again: a classified failure as its code says, anything else as its cause
     * chain says ({@link #isTransient}). The one in-run retry rule of every task's loop and of {@link RetryPolicy}.
     */
    public static boolean retriedInRun(Throwable t) {
        IngestException ie = t instanceof IngestException e ? e : null;
        return ie != null ? ie.retry() == ErrorCode.Retry.IN_RUN : isTransient(t);
    }

    /** Turns a failure from {@code side} into an {@link IngestException} (one already classified is returned as is). */
    public static IngestException classify(Side side, Throwable t) {
        if (t instanceof IngestException ie) {
            return ie;
        }
        if (side == Side.FILE && find(t, SQLException.class) == null) {
            if (find(t, IOException.class) != null) {
                return new IngestException(ErrorCode.NOT_READY, "reading the drop failed: " + oneLine(t) + ". A retry may succeed.", t);
            }
            return new IngestException(ErrorCode.INTERNAL, "staging failed: " + oneLine(t), t);
        }
        return fromDatabase(side.what(), side.unavailable(), t);
    }

    /**
     * The code of an HTTP status that is not a success: 401/403 the credentials (no retry helps), 408, 429 and 5xx
     * the server's state (a retry may succeed), any other 4xx a request the server will refuse again (the URL).
     */
    public static ErrorCode httpStatus(int status) {
        if (status == 401 || status == 403) {
            return ErrorCode.AUTH;
        }
        if (status >= 500 || status == 408 || status == 429) {
            return ErrorCode.SOURCE_UNAVAILABLE;
        }
        return ErrorCode.CONFIG;
    }

    /** Class 22 (data exception) and 54001 (too complex): the value itself is refused, again on every retry. */
    public static boolean isDataSqlState(String state) {
        return state != null && (state.startsWith("22") || state.equals("54001"));
    }

    public static boolean isTransientSqlState(String state) {
        if (state == null) {
            return false;
        }
        return state.startsWith("08") || state.equals("40001") || state.equals("40P01")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.startsWith("53") || state.equals("55P03"); // 55P03: lock_timeout
    }

    public static boolean isAuthSqlState(String state) {
        return state != null && (state.startsWith("28") || state.equals("3D000") || state.equals("42501"));
    }

    /** True when retrying the same work may succeed. */
    public static boolean isTransient(Throwable t) {
        if (isTlsFailure(t)) {
            return false;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IngestException ie) {
                return ie.retry() == ErrorCode.Retry.IN_RUN;
            }
            if (c instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (isAuthSqlState(state)) {
                    return false;
                }
                if (isTransientSqlState(state)) {
                    return true;
                }
            }
            if (c instanceof UnknownHostException || c instanceof javax.net.ssl.SSLException
                    || c instanceof java.security.cert.CertificateException) {
                return false;
            }
            if (c instanceof ConnectException || c instanceof SocketException || c instanceof EOFException
                    || c instanceof InterruptedIOException) {
                return true;
            }
        }
        // An IOException anywhere in the chain without a better signal: the wire broke.
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Turns any failure from talking to a database into an {@link IngestException} with a message an
     * on-call engineer can act on. {@code what} names the side ("source database", "warehouse").
     */
    public static IngestException fromDatabase(String what, ErrorCode transientCode, Throwable t) {
        if (t instanceof IngestException ie) {
            return ie;
        }
        SQLException sql = find(t, SQLException.class);
        String state = sql == null ? null : sql.getSQLState();
        String detail = oneLine(t);
        if (isAuthSqlState(state)) {
            return new IngestException(ErrorCode.AUTH, what + " refused the login (SQLState " + state + "): " + detail
                    + ". Check the user and password settings; retrying will not help.", t);
        }
        if (isDataSqlState(state)) {
            return new IngestException(ErrorCode.DATA, what + " refused a value (SQLState " + state + "): " + detail
                    + ". Retrying will not help; nothing was published.", t);
        }
        if (isTlsFailure(t)) {
            return new IngestException(ErrorCode.CONFIG, what + ": TLS verification failed: " + detail
                    + ". Check the sslmode, the root certificate and the host name in the URL; retrying will not help.", t);
        }
        if (find(t, UnknownHostException.class) != null) {
            return new IngestException(ErrorCode.CONFIG, what + " host is unknown: " + detail + ". Check the JDBC URL.", t);
        }
        if (isTransient(t)) {
            return new IngestException(transientCode, what + " is unavailable" + (state == null ? "" : " (SQLState " + state + ")")
                    + ": " + detail + ". A retry may succeed.", t);
        }
        return new IngestException(ErrorCode.INTERNAL, what + " failed" + (state == null ? "" : " (SQLState " + state + ")")
                + ": " + detail, t);
    }

    /** A certificate or host name that does not verify: a configuration problem, never fixed by retrying. */
    static boolean isTlsFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof javax.net.ssl.SSLException || c instanceof java.security.cert.CertificateException
                    || m.contains("could not be verified by hostnameverifier") || m.contains("does not support SSL")) {
                return true;
            }
        }
        return false;
    }

    public static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** The first line of a throwable's message, scrubbed of secrets. */
    public static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return Redaction.scrub(nl < 0 ? m.trim() : m.substring(0, nl).trim());
    }
}
