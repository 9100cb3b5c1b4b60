package com.shopflow.ingest.db;

import java.io.OutputStream;
import java.util.function.LongConsumer;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

/**
 * Streams one chunk from the source's COPY TO STDOUT (binary) into a staging COPY stream, tuple by tuple, noting the
 * keyset position of the last one. The stream is the staging lanes' (core's block pool): the lanes write to the
 * warehouse in their own threads while this one reads the source, so neither side waits for the other.
 */
final class ChunkPump {
    /** Progress is reported every this many rows. */
    private static final int REPORT_ROWS = 8192;

    record Result(long rows, KeysetPosition last) {
    }

    private ChunkPump() {
    }

    /**
     * Runs {@code sql} (a COPY ... TO STDOUT (FORMAT binary)) on the source and writes its tuples, framed as one
     * complete binary COPY stream, to {@code out}.
     *
     * @param cursorIdx field index of the cursor column; {@code keyIdx}/{@code keyType}: the key column
     * @param onRows    called with the number of rows written since the last call
     */
    static Result pump(CopyManager source, String sql, int cursorIdx, int keyIdx, String keyType, boolean numericKey,
                       OutputStream out, LongConsumer onRows) throws Exception {
        CopyOut copy = source.copyOut(sql);
        long rows = 0;
        long reported = 0;
        long lastCursor = 0;
        String lastKey = null;
        try {
            out.write(BinaryTuples.HEADER);
            boolean header = false;
            while (true) {
                byte[] msg = copy.readFromCopy();
                if (msg == null) {
                    break;
                }
                int off = 0;
                if (!header) {
                    off = BinaryTuples.headerLength(msg, 0, msg.length);
                    header = true;
                }
                int from = off;
                while (off < msg.length) {
                    int fields = BinaryTuples.int16(msg, off);
                    if (fields == -1) {
                        break; // the trailer: ours is written below
                    }
                    off += 2;
                    for (int i = 0; i < fields; i++) {
                        int len = BinaryTuples.int32(msg, off);
                        off += 4;
                        if (i == cursorIdx && len == 8) {
                            lastCursor = BinaryTuples.int64(msg, off);
                        } else if (i == keyIdx && len >= 0) {
                            lastKey = BinaryTuples.key(msg, off, len, keyType);
                        }
                        if (len > 0) {
                            off += len;
                        }
                    }
                    rows++;
                }
                if (off > from) {
                    out.write(msg, from, off - from);
                }
                if (rows - reported >= REPORT_ROWS) {
                    onRows.accept(rows - reported);
                    reported = rows;
                }
            }
            out.write(BinaryTuples.TRAILER);
            onRows.accept(rows - reported);
        } finally {
            if (copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (Exception ignored) {
                    // The connection is discarded by the caller anyway.
                }
            }
        }
        return new Result(rows, lastKey == null ? null : new KeysetPosition(lastCursor, lastKey, numericKey));
    }
}
