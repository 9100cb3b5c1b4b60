package com.shopflow.ingest.db;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * PostgreSQL's binary COPY format, read just enough to split the stream into tuples and pick the cursor and key
 * of each: a header ({@code PGCOPY\n\377\r\n\0}, flags, extension), then per tuple an int16 field count and per
 * field an int32 length (-1 for NULL) and the bytes; an int16 -1 ends the stream. The bytes themselves pass
 * through untouched, so every type lands exactly as the source stores it.
 */
final class BinaryTuples {
    static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    /** Signature, flags 0, header extension length 0. */
    static final byte[] HEADER = new byte[SIGNATURE.length + 8];
    static final byte[] TRAILER = {(byte) 0xff, (byte) 0xff};

    static {
        System.arraycopy(SIGNATURE, 0, HEADER, 0, SIGNATURE.length);
    }

    private BinaryTuples() {
    }

    static int int16(byte[] b, int off) {
        return (short) (((b[off] & 0xff) << 8) | (b[off + 1] & 0xff));
    }

    static int int32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    static long int64(byte[] b, int off) {
        return ((long) int32(b, off) << 32) | (int32(b, off + 4) & 0xffffffffL);
    }

    /** Length of the header at the start of a stream, after checking its signature. */
    static int headerLength(byte[] b, int off, int len) {
        if (len < HEADER.length) {
            throw new IllegalStateException("binary COPY stream shorter than its header");
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (b[off + i] != SIGNATURE[i]) {
                throw new IllegalStateException("not a binary COPY stream");
            }
        }
        return HEADER.length + int32(b, off + SIGNATURE.length + 4);
    }

    /** The text form of a key field of the given type. */
    static String key(byte[] b, int off, int len, String type) {
        return switch (type) {
            case "smallint" -> Integer.toString(int16(b, off));
            case "integer" -> Integer.toString(int32(b, off));
            case "bigint" -> Long.toString(int64(b, off));
            case "uuid" -> new UUID(int64(b, off), int64(b, off + 8)).toString();
            default -> new String(b, off, len, StandardCharsets.UTF_8);
        };
    }
}
