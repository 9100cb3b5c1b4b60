package com.shopflow.ingest.simulator.db;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams rows into one {@code COPY ... FROM STDIN (FORMAT binary)} through a fixed 256 KiB buffer, so a load of any
 * size runs in constant memory. Binary, because the server parses text timestamps and numerics several times
 * slower than it copies their binary form, and the server is the bottleneck of a bulk fill.
 */
final class CopyStream implements AutoCloseable {
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /** Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    /** Room kept free for one field built in pieces ({@link #beginText}). */
    private static final int PIECEWISE_MAX = 64 * 1024;
    private final CopyIn copy;
    private final byte[] buf = new byte[256 * 1024];
    private final int[] groups = new int[8];
    private int pos;
    private int fieldStart = -1;

    private CopyStream(CopyIn copy) {
        this.copy = copy;
    }

    /** Opens {@code COPY target FROM STDIN}; {@code target} is e.g. {@code public.orders (id, ...)}. */
    static CopyStream open(Connection c, String target, boolean freeze) throws SQLException {
        String sql = "COPY " + target + " FROM STDIN WITH (FORMAT binary" + (freeze ? ", FREEZE" : "") + ")";
        CopyStream s = new CopyStream(c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql));
        System.arraycopy(HEADER, 0, s.buf, 0, HEADER.length);
        s.pos = HEADER.length;
        return s;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void ensure(int n) throws SQLException {
        if (pos + n > buf.length) {
            flush();
        }
    }

    /** Starts a row of {@code fields} fields. */
    CopyStream row(int fields) throws SQLException {
        ensure(2);
        putShort(fields);
        return this;
    }

    CopyStream text(byte[] utf8) throws SQLException {
        if (utf8.length + 4 > buf.length) {
            flush();
            putInt(utf8.length);
            flush();
            copy.writeToCopy(utf8, 0, utf8.length);
            return this;
        }
        ensure(utf8.length + 4);
        putInt(utf8.length);
        System.arraycopy(utf8, 0, buf, pos, utf8.length);
        pos += utf8.length;
        return this;
    }

    /** Starts a text field built with {@link #append} and {@link #appendNumber}, at most 64 KiB; ends with {@link #endText}. */
    CopyStream beginText() throws SQLException {
        ensure(PIECEWISE_MAX + 4);
        fieldStart = pos;
        pos += 4;
        return this;
    }

    CopyStream append(byte[] utf8) {
        System.arraycopy(utf8, 0, buf, pos, utf8.length);
        pos += utf8.length;
        return this;
    }

    CopyStream appendNumber(long v) {
        pos = Digits.write(v, buf, pos);
        return this;
    }

    CopyStream endText() {
        int len = pos - fieldStart - 4;
        if (len > PIECEWISE_MAX) {
            throw new IllegalStateException("a piecewise field exceeded " + PIECEWISE_MAX + " bytes");
        }
        int end = pos;
        pos = fieldStart;
        putInt(len);
        pos = end;
        fieldStart = -1;
        return this;
    }

    CopyStream nul() throws SQLException {
        ensure(4);
        putInt(-1);
        return this;
    }

    /** A bigint. */
    CopyStream int8(long v) throws SQLException {
        ensure(12);
        putInt(8);
        putLong(v);
        return this;
    }

    /** An integer. */
    CopyStream int4(int v) throws SQLException {
        ensure(8);
        putInt(4);
        putInt(v);
        return this;
    }

    /** A timestamptz from microseconds since 1970-01-01 UTC. */
    CopyStream timestamp(long epochMicros) throws SQLException {
        return int8(epochMicros - PG_EPOCH_MICROS);
    }

    /** A numeric with scale 2 from an amount in cents (binary numeric: base-10000 digit groups). */
    CopyStream cents(long cents) throws SQLException {
        long a = Math.abs(cents);
        long ip = a / 100;
        int n = 0;
        for (long x = ip; x > 0; x /= 10_000) {
            n++;
        }
        int weight = n - 1;
        long x = ip;
        for (int i = n - 1; i >= 0; i--) {
            groups[i] = (int) (x % 10_000);
            x /= 10_000;
        }
        groups[n++] = (int) (a % 100) * 100;
        while (n > 0 && groups[n - 1] == 0) {
            n--;
        }
        if (n == 0) {
            weight = 0;
        } else if (weight < 0) {
            // Only the fraction: its group sits right after the decimal point.
            weight = -1;
        }
        ensure(12 + 2 * n);
        putInt(8 + 2 * n);
        putShort(n);
        putShort(weight);
        putShort(cents < 0 ? 0x4000 : 0);
        putShort(2);
        for (int i = 0; i < n; i++) {
            putShort(groups[i]);
        }
        return this;
    }

    private void putShort(int v) {
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void putInt(int v) {
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    private void flush() throws SQLException {
        if (pos > 0) {
            copy.writeToCopy(buf, 0, pos);
            pos = 0;
        }
    }

    /** Ends the COPY and returns the rows the server took. */
    long finish() throws SQLException {
        ensure(2);
        putShort(-1);
        flush();
        return copy.endCopy();
    }

    @Override
    public void close() throws SQLException {
        if (copy.isActive()) {
            copy.cancelCopy();
        }
    }
}
