package com.shopflow.ingest.files;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * Streaming RFC 4180 reader over bytes: quoted fields, doubled quotes, CRLF/LF/CR line breaks and line breaks
 * inside quotes. Memory is bounded by {@code maxRecordBytes}: a longer record is read to its end without being
 * kept and reported as bad. A record is exposed as its raw bytes plus field boundaries into them, so a good
 * row can be copied to the warehouse without decoding and a bad one quarantined exactly as it was.
 *
 * <p>Lenient on one point only: a quote inside an unquoted field is taken literally ({@code 5" screen}).
 * Strict elsewhere: text after a closing quote and an unterminated quote make the record bad. Completely
 * empty lines carry no data and are skipped. A gzip stream that ends early or is corrupt ends the file with
 * one bad record saying so, keeping every record read before it.
 */
final class CsvReader implements Closeable {
    static final int QUOTED = 1;
    static final int LITERAL_QUOTE = 2;

    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int IN_QUOTES = 2;
    private static final int QUOTE_SEEN = 3;

    private final InputStream in;
    private final int maxRecordBytes;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private boolean eof;
    private boolean started;
    private String streamError;
    private boolean streamErrorReported;

    private byte[] raw = new byte[8192];
    private byte[] value = new byte[256];
    private int rawLen;
    private long rawTotal;
    private int[] starts = new int[32];
    private int[] ends = new int[32];
    private byte[] flags = new byte[32];
    private int fields;
    private long nextLine = 1;
    /** The last byte seen inside a quoted field was a CR (so an LF right after it ends no further line). */
    private boolean crInQuotes;
    private long line;
    private long records;
    private String error;
    private boolean terminated;
    private boolean nul;
    private boolean nonAscii;

    CsvReader(InputStream in, int maxRecordBytes) {
        this.in = in;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** Reads the next record, skipping empty lines; false at the end of the input. */
    boolean next() throws IOException {
        while (true) {
            int r = readRecord();
            if (r < 0) {
                return false;
            }
            if (r > 0) {
                records++;
                return true;
            }
        }
    }

    /** 1 = a record, 0 = an empty line, -1 = end of input. */
    private int readRecord() throws IOException {
        rawLen = 0;
        rawTotal = 0;
        fields = 0;
        error = null;
        terminated = false;
        nul = false;
        nonAscii = false;
        line = nextLine;
        int state = FIELD_START;
        int fieldStart = 0;
        int fieldFlags = 0;
        byte[] b = buf;
        while (true) {
            if (pos == lim && !fill()) {
                return endOfInput(state, fieldStart, fieldFlags);
            }
            if (state == UNQUOTED || state == IN_QUOTES) {
                // Fast path: a run of bytes that change nothing (printable ASCII other than the delimiter and the
                // quote) is copied at once; the byte that ends it goes through the state machine below.
                int j = pos;
                if (state == UNQUOTED) {
                    while (j < lim && b[j] >= ' ' && b[j] != ',' && b[j] != '"') {
                        j++;
                    }
                } else {
                    while (j < lim && b[j] >= ' ' && b[j] != '"') {
                        j++;
                    }
                }
                if (j > pos) {
                    crInQuotes = false;
                    appendRun(b, pos, j - pos);
                    pos = j;
                    if (pos == lim) {
                        continue;
                    }
                }
            }
            byte c = b[pos++];
            if (c == 0) {
                nul = true;
            } else if (c < 0) {
                nonAscii = true;
            }
            switch (state) {
                case IN_QUOTES -> {
                    if (c == '"') {
                        state = QUOTE_SEEN;
                    } else if (c == '\r' || (c == '\n' && !crInQuotes)) {
                        nextLine++; // CR, LF and CRLF each end one physical line inside a quoted field too
                    }
                    crInQuotes = c == '\r';
                    append(c);
                }
                case UNQUOTED -> {
                    if (c == ',') {
                        addField(fieldStart, rawLen, fieldFlags);
                        append(c);
                        state = FIELD_START;
                    } else if (c == '\n' || c == '\r') {
                        addField(fieldStart, rawLen, fieldFlags);
                        return endOfLine(c);
                    } else {
                        if (c == '"') {
                            fieldFlags |= LITERAL_QUOTE;
                        }
                        append(c);
                    }
                }
                case FIELD_START -> {
                    if (c == '"') {
                        fieldStart = rawLen;
                        fieldFlags = QUOTED;
                        append(c);
                        crInQuotes = false;
                        state = IN_QUOTES;
                    } else if (c == ',') {
                        addField(rawLen, rawLen, 0);
                        append(c);
                    } else if (c == '\n' || c == '\r') {
                        if (fields == 0) {
                            endOfLine(c);
                            return 0;
                        }
                        addField(rawLen, rawLen, 0);
                        return endOfLine(c);
                    } else {
                        fieldStart = rawLen;
                        fieldFlags = 0;
                        append(c);
                        state = UNQUOTED;
                    }
                }
                default -> { // QUOTE_SEEN: a doubled quote, or the end of the quoted field
                    if (c == '"') {
                        append(c);
                        crInQuotes = false;
                        state = IN_QUOTES;
                    } else if (c == ',') {
                        addField(fieldStart, rawLen, fieldFlags);
                        append(c);
                        state = FIELD_START;
                    } else if (c == '\n' || c == '\r') {
                        addField(fieldStart, rawLen, fieldFlags);
                        return endOfLine(c);
                    } else {
                        if (error == null) {
                            error = "unexpected character after the closing quote of field " + (fields + 1);
                        }
                        append(c);
                        state = UNQUOTED;
                    }
                }
            }
        }
    }

    private int endOfLine(byte c) throws IOException {
        terminated = true;
        nextLine++;
        if (c == '\r' && (pos < lim || fill()) && buf[pos] == '\n') {
            pos++;
        }
        return 1;
    }

    private int endOfInput(int state, int fieldStart, int fieldFlags) {
        if (state == IN_QUOTES) {
            addField(fieldStart, rawLen, fieldFlags);
            error = "unterminated quoted field at the end of the file (truncated file?)";
        } else if (state != FIELD_START || fields > 0) {
            addField(state == FIELD_START ? rawLen : fieldStart, rawLen, state == FIELD_START ? 0 : fieldFlags);
        } else if (rawTotal == 0) {
            if (streamError != null && !streamErrorReported) {
                streamErrorReported = true;
                error = streamError;
                return 1;
            }
            return -1;
        }
        if (streamError != null && !streamErrorReported) {
            streamErrorReported = true;
            error = streamError;
        }
        return 1;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n;
        try {
            n = in.read(buf, 0, buf.length);
        } catch (EOFException e) {
            streamError = "the compressed file ends early (truncated gzip stream); the rest of the file is missing";
            n = -1;
        } catch (ZipException e) {
            streamError = "the compressed file is corrupt (" + e.getMessage() + "); the rest of the file cannot be read";
            n = -1;
        }
        if (n <= 0) {
            if (n < 0) {
                eof = true;
                return false;
            }
            return fill();
        }
        pos = 0;
        lim = n;
        if (!started) {
            started = true;
            // A UTF-8 byte order mark is an encoding signature, not part of the first header name.
            if (n >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
                pos = 3;
                return pos < lim || fill();
            }
        }
        return true;
    }

    private void append(byte c) {
        rawTotal++;
        if (rawLen == raw.length) {
            if (rawLen >= maxRecordBytes) {
                return;
            }
            raw = Arrays.copyOf(raw, (int) Math.min(maxRecordBytes, (long) raw.length * 2));
        }
        raw[rawLen++] = c;
    }

    private void appendRun(byte[] from, int off, int len) {
        rawTotal += len;
        int room = maxRecordBytes - rawLen;
        int keep = Math.min(len, Math.max(0, room));
        if (rawLen + keep > raw.length) {
            raw = Arrays.copyOf(raw, (int) Math.min(maxRecordBytes, Math.max((long) raw.length * 2, (long) rawLen + keep)));
        }
        System.arraycopy(from, off, raw, rawLen, keep);
        rawLen += keep;
    }

    private void addField(int start, int end, int fieldFlags) {
        if (fields == starts.length) {
            int n = fields * 2;
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
            flags = Arrays.copyOf(flags, n);
        }
        starts[fields] = start;
        ends[fields] = end;
        flags[fields] = (byte) fieldFlags;
        fields++;
    }

    /** The physical line (1-based) where the current record starts. */
    long line() {
        return line;
    }

    /** Records returned so far, the current one included (the header is record 1). */
    long records() {
        return records;
    }

    int fieldCount() {
        return fields;
    }

    /** Start of field {@code i} in {@link #raw()}: its opening quote when quoted. */
    int start(int i) {
        return starts[i];
    }

    /** End (exclusive) of field {@code i} in {@link #raw()}: after its closing quote when quoted. */
    int end(int i) {
        return ends[i];
    }

    int flags(int i) {
        return flags[i];
    }

    /** True when field {@code i} holds no characters ({@code ""} or nothing). */
    boolean isEmpty(int i) {
        return (flags[i] & QUOTED) != 0 ? ends[i] - starts[i] <= 2 : ends[i] == starts[i];
    }

    /** The record's bytes as read, without its line break; truncated at the record size limit. */
    byte[] raw() {
        return raw;
    }

    int rawLength() {
        return rawLen;
    }

    /** Why the record is malformed (quoting, truncation, size), or null. Field-count and encoding checks are the caller's. */
    String error() {
        if (error == null && rawTotal > rawLen) {
            return "the record is longer than " + maxRecordBytes + " bytes (an unterminated quote?)";
        }
        return error;
    }

    /** True when the record ended with a line break (false only for the last record of a file). */
    boolean terminated() {
        return terminated;
    }

    boolean hasNul() {
        return nul;
    }

    boolean hasNonAscii() {
        return nonAscii;
    }

    /** Field {@code i} decoded as UTF-8 with quotes removed (for headers and messages; rows are copied as bytes). */
    String text(int i) {
        int n = unquote(i); // first: it may replace the buffer
        return new String(value, 0, n, StandardCharsets.UTF_8);
    }

    /** Puts field {@code i}'s value, quotes removed and doubled quotes undone, in {@link #value()}; returns its length. */
    int unquote(int i) {
        int s = starts[i];
        int e = ends[i];
        if (value.length < e - s) {
            value = new byte[e - s];
        }
        if ((flags[i] & QUOTED) == 0) {
            System.arraycopy(raw, s, value, 0, e - s);
            return e - s;
        }
        int closing = e - 1 > s && raw[e - 1] == '"' ? e - 1 : e;
        int n = 0;
        for (int k = s + 1; k < closing; k++) {
            value[n++] = raw[k];
            if (raw[k] == '"') {
                k++; // the second quote of a doubled pair
            }
        }
        return n;
    }

    /** The bytes {@link #unquote} wrote. */
    byte[] value() {
        return value;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
