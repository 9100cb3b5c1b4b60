package com.shopflow.ingest.core;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * Classifies a failure as retryable or permanent. PostgreSQL SQLStates decide where present:
 * class 08 (connection), 40001 (serialization), 40P01 (deadlock), 57P01-57P03 (server shutting down or
 * starting) and 53xxx (out of resources) are transient; class 28 (authentication) and 3D000 (no such
 * database) are configuration errors that no retry can fix.
 */
public final class Failures {
    private Failures() {
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
                return ie.retryable();
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
