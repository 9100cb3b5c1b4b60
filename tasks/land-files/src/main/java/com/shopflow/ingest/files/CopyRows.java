package com.shopflow.ingest.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * Encodes good records as COPY {@code FORMAT binary} rows: the raw table's data columns (a file's field, or NULL
 * when the file lacks the column), then {@code _source_file, _source_line, _interval_start, _interval_end}.
 * Binary spares the server all parsing (the rows are wider than the file: the metadata columns, two timestamps);
 * text values are sent as UTF-8 bytes, which the server still validates. An empty field lands as an empty
 * string, not NULL: exactly as written.
 */
final class CopyRows {
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** PostgreSQL's timestamp epoch, 2000-01-01T00:00:00Z. */
    private static final Instant PG_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private byte[] buf = new byte[1 << 16];
    private final long start;
    private final long end;
    private int n;
    private OutputStream out;
    private byte[] fileName;

    CopyRows(Instant intervalStart, Instant intervalEnd) {
        this.start = PG_EPOCH.until(intervalStart, ChronoUnit.MICROS);
        this.end = PG_EPOCH.until(intervalEnd, ChronoUnit.MICROS);
    }

    /** Starts one COPY stream: the binary header. */
    void begin(OutputStream out, String sourceFile) throws IOException {
        this.out = out;
        this.n = 0;
        this.fileName = sourceFile.getBytes(StandardCharsets.UTF_8);
        put(SIGNATURE, 0, SIGNATURE.length);
        putInt(0);
        putInt(0);
    }

    /** @param map for each data column of the stream, the field index in the record or -1 for NULL */
    void write(CsvReader r, int[] map) throws IOException {
        byte[] raw = r.raw();
        ensure(2 + map.length * 4 + r.rawLength() + fileName.length + 64);
        putShort(map.length + 4);
        for (int f : map) {
            if (f < 0) {
                putInt(-1);
                continue;
            }
            int s = r.start(f);
            int e = r.end(f);
            if ((r.flags(f) & CsvReader.QUOTED) == 0) {
                putInt(e - s);
                System.arraycopy(raw, s, buf, n, e - s);
                n += e - s;
            } else {
                unquote(raw, s + 1, e - 1);
            }
        }
        putInt(fileName.length);
        System.arraycopy(fileName, 0, buf, n, fileName.length);
        n += fileName.length;
        putInt(8);
        putLong(r.line());
        putInt(8);
        putLong(start);
        putInt(8);
        putLong(end);
    }

    /** The content of a quoted field, {@code ""} read as {@code "}, with its length in front. */
    private void unquote(byte[] raw, int from, int to) {
        int lengthAt = n;
        n += 4;
        int w = n;
        for (int k = from; k < to; k++) {
            byte c = raw[k];
            buf[w++] = c;
            if (c == '"') {
                k++; // the second quote of a doubled pair
            }
        }
        int len = w - n;
        n = lengthAt;
        putInt(len);
        n = w;
    }

    /** Ends the COPY stream: the binary trailer, then everything buffered. */
    void finish() throws IOException {
        ensure(2);
        putShort(-1);
        flush();
    }

    private void flush() throws IOException {
        if (n > 0) {
            out.write(buf, 0, n);
            n = 0;
        }
    }

    private void ensure(int bytes) throws IOException {
        if (buf.length - n < bytes) {
            flush();
            if (buf.length < bytes) {
                buf = Arrays.copyOf(buf, Math.max(bytes, buf.length * 2));
            }
        }
    }

    private void put(byte[] b, int off, int len) throws IOException {
        ensure(len);
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    private void putShort(int v) {
        buf[n++] = (byte) (v >>> 8);
        buf[n++] = (byte) v;
    }

    private void putInt(int v) {
        buf[n++] = (byte) (v >>> 24);
        buf[n++] = (byte) (v >>> 16);
        buf[n++] = (byte) (v >>> 8);
        buf[n++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}
