package com.shopflow.ingest.db;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

/**
 * Streams one chunk from the source's COPY TO STDOUT (binary) into the warehouse's COPY FROM STDIN, reading
 * and writing in two threads so that neither side waits for the other. Memory is a fixed pool of blocks,
 * whatever the size of the table.
 */
final class ChunkPump {
    static final int BLOCK = 1 << 20;
    private static final int BLOCKS = 4;

    /** A run of whole tuples. {@code last*} describe the last tuple in it. */
    private static final class Block {
        byte[] buf;
        int len;
        int rows;
        long lastCursor;
        String lastKey;
        Throwable error;
        boolean end;

        Block(int size) {
            buf = new byte[size];
        }
    }

    record Result(long rows, KeysetPosition last) {
    }

    private final BlockingQueue<Block> free = new ArrayBlockingQueue<>(BLOCKS);
    private final BlockingQueue<Block> full = new ArrayBlockingQueue<>(64);

    ChunkPump() {
        for (int i = 0; i < BLOCKS; i++) {
            free.add(new Block(BLOCK));
        }
    }

    /**
     * Runs {@code sql} (a COPY ... TO STDOUT (FORMAT binary)) on the source and writes its tuples, framed as one
     * complete binary COPY stream, to {@code out}.
     *
     * @param cursorIdx field index of the cursor column; {@code keyIdx}/{@code keyType}: the key column
     * @param onRows    called with the number of rows of each block written
     */
    Result pump(CopyManager source, String sql, int cursorIdx, int keyIdx, String keyType, boolean numericKey,
                OutputStream out, java.util.function.LongConsumer onRows) throws Exception {
        Reader reader = new Reader(source, sql, cursorIdx, keyIdx, keyType);
        Thread t = new Thread(reader, "source-reader");
        t.setDaemon(true);
        t.start();
        long rows = 0;
        long lastCursor = 0;
        String lastKey = null;
        boolean ok = false;
        try {
            out.write(BinaryTuples.HEADER);
            while (true) {
                Block b = full.take();
                if (b.error != null) {
                    throw asException(b.error);
                }
                if (b.end) {
                    break;
                }
                out.write(b.buf, 0, b.len);
                rows += b.rows;
                if (b.rows > 0) {
                    lastCursor = b.lastCursor;
                    lastKey = b.lastKey;
                }
                onRows.accept(b.rows);
                recycle(b);
            }
            out.write(BinaryTuples.TRAILER);
            ok = true;
        } finally {
            if (!ok) {
                reader.stop = true;
                // Unblock the reader if it waits for a free block; it then cancels its COPY.
                free.offer(new Block(16));
            }
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        return new Result(rows, lastKey == null ? null : new KeysetPosition(lastCursor, lastKey, numericKey));
    }

    private void recycle(Block b) {
        if (b.buf.length == BLOCK) {
            b.len = 0;
            b.rows = 0;
            free.offer(b);
        } else {
            free.offer(new Block(BLOCK));
        }
    }

    private static Exception asException(Throwable t) {
        if (t instanceof Exception e) {
            return e;
        }
        return new IngestException(ErrorCode.INTERNAL, "source reader failed: " + t, t);
    }

    private final class Reader implements Runnable {
        private final CopyManager source;
        private final String sql;
        private final int cursorIdx;
        private final int keyIdx;
        private final String keyType;
        volatile boolean stop;

        Reader(CopyManager source, String sql, int cursorIdx, int keyIdx, String keyType) {
            this.source = source;
            this.sql = sql;
            this.cursorIdx = cursorIdx;
            this.keyIdx = keyIdx;
            this.keyType = keyType;
        }

        @Override
        public void run() {
            CopyOut copy = null;
            try {
                copy = source.copyOut(sql);
                boolean header = false;
                Block block = nextFree();
                byte[] msg;
                while (!stop && (msg = copy.readFromCopy()) != null) {
                    int off = 0;
                    if (!header) {
                        off = BinaryTuples.headerLength(msg, 0, msg.length);
                        header = true;
                    }
                    while (off < msg.length) {
                        int start = off;
                        int fields = BinaryTuples.int16(msg, off);
                        if (fields == -1) {
                            off = msg.length;
                            break;
                        }
                        off += 2;
                        long cursor = 0;
                        String key = null;
                        for (int i = 0; i < fields; i++) {
                            int len = BinaryTuples.int32(msg, off);
                            off += 4;
                            if (i == cursorIdx && len == 8) {
                                cursor = BinaryTuples.int64(msg, off);
                            } else if (i == keyIdx && len >= 0) {
                                key = BinaryTuples.key(msg, off, len, keyType);
                            }
                            if (len > 0) {
                                off += len;
                            }
                        }
                        int tupleLen = off - start;
                        if (block.len + tupleLen > block.buf.length) {
                            hand(block);
                            block = tupleLen > BLOCK ? new Block(tupleLen) : nextFree();
                        }
                        System.arraycopy(msg, start, block.buf, block.len, tupleLen);
                        block.len += tupleLen;
                        block.rows++;
                        block.lastCursor = cursor;
                        block.lastKey = key;
                    }
                }
                if (stop) {
                    cancel(copy);
                    return;
                }
                hand(block);
                Block end = new Block(0);
                end.end = true;
                full.put(end);
            } catch (Throwable e) {
                cancel(copy);
                Block err = new Block(0);
                // Classified here, where the side is known: everything after this point is the warehouse's.
                err.error = Failures.classify(Failures.Side.SOURCE_DB, e);
                full.offer(err);
            }
        }

        private Block nextFree() throws InterruptedException {
            Block b = free.take();
            if (stop) {
                throw new InterruptedException("stopped");
            }
            return b;
        }

        private void hand(Block b) throws InterruptedException {
            if (b.len > 0) {
                full.put(b);
            } else {
                recycle(b);
            }
        }

        private void cancel(CopyOut copy) {
            if (copy != null && copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (Exception ignored) {
                    // The connection is closed by the caller anyway.
                }
            }
        }
    }
}
