package com.shopflow.ingest.files;

import com.shopflow.ingest.core.landing.KeyHashes;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Encodes good records as COPY {@code FORMAT csv} rows, for the server's own CSV parser (the cheapest way in for
 * text): the record's fields as written, in the file's column order (the COPY column list follows the file's
 * header), then its line number. A record goes through byte for byte, unless a field has a quote inside an
 * unquoted value, which this reader takes literally and the server would not: that field is sent quoted.
 * {@code _source_file} and the interval come from column defaults, so they cost nothing per row. Unquoted empty
 * fields land as empty strings ({@code FORCE_NOT_NULL}), exactly as written.
 */
final class CopyRows {
    private byte[] buf = new byte[1 << 16];
    private int n;
    private OutputStream out;
    private final KeyHashes keys;

    /** @param keys records the key of every row written */
    CopyRows(KeyHashes keys) {
        this.keys = keys;
    }

    void begin(OutputStream out) {
        this.out = out;
        this.n = 0;
    }

    void write(CsvReader r, int keyField) throws IOException {
        byte[] raw = r.raw();
        int len = r.rawLength();
        int fields = r.fieldCount();
        boolean literalQuotes = false;
        for (int i = 0; i < fields; i++) {
            literalQuotes |= (r.flags(i) & CsvReader.LITERAL_QUOTE) != 0;
        }
        if (!literalQuotes) {
            ensure(len + 24);
            System.arraycopy(raw, 0, buf, n, len);
            n += len;
        } else {
            for (int i = 0; i < fields; i++) {
                int s = r.start(i);
                int e = r.end(i);
                ensure(2 * (e - s) + 3);
                if (i > 0) {
                    buf[n++] = ',';
                }
                if ((r.flags(i) & CsvReader.LITERAL_QUOTE) == 0) {
                    System.arraycopy(raw, s, buf, n, e - s);
                    n += e - s;
                } else {
                    buf[n++] = '"';
                    for (int k = s; k < e; k++) {
                        if (raw[k] == '"') {
                            buf[n++] = '"';
                        }
                        buf[n++] = raw[k];
                    }
                    buf[n++] = '"';
                }
            }
            ensure(24);
        }
        buf[n++] = ',';
        putLong(r.line());
        buf[n++] = '\n';
        int keyLength = r.unquote(keyField); // before value(): it may replace the buffer
        keys.add(r.value(), 0, keyLength);
    }

    void finish() throws IOException {
        if (n > 0) {
            out.write(buf, 0, n);
            n = 0;
        }
    }

    private void ensure(int bytes) throws IOException {
        if (buf.length - n < bytes) {
            finish();
            if (buf.length < bytes) {
                buf = Arrays.copyOf(buf, Math.max(bytes, buf.length * 2));
            }
        }
    }

    private void putLong(long v) {
        if (v == 0) {
            buf[n++] = '0';
            return;
        }
        int digits = 0;
        for (long x = v; x > 0; x /= 10) {
            digits++;
        }
        for (int i = n + digits - 1; i >= n; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        n += digits;
    }
}
