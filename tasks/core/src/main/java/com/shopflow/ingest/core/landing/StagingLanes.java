package com.shopflow.ingest.core.landing;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Stages chunks on several warehouse connections at once, so the server parses and writes them on as many cores
 * while the caller (one thread) reads the source. Chunk {@code k} goes to lane {@code k mod n}; the caller's bytes
 * travel in a fixed pool of blocks, so memory does not depend on the data. The COPYs overlap, the commits do not:
 * chunk {@code k} commits, with the checkpoint it reached, only after chunk {@code k - 1} did, so the committed
 * chunks are always a prefix and the checkpoint means exactly what it means with one connection. Any failure
 * stops every lane; the caller then recovers from the checkpoint as after any failed chunk.
 */
public final class StagingLanes implements AutoCloseable {
    private static final int BLOCK = 1 << 20;
    /** Blocks a lane may have queued: enough for a typical chunk, so the reader can move on to the next lane. */
    private static final int QUEUED_PER_LANE = 8;
    /** Each lane holds up to 9 MiB of blocks: more lanes than this would outgrow a small pod's heap. */
    static final int MAX_LANES = 8;

    private sealed interface Item permits Start, Data, End {
    }

    private record Start(String sql) implements Item {
    }

    private record Data(byte[] block, int length) implements Item {
    }

    private record End(Checkpoint reached) implements Item {
    }

    private final WarehouseSession session;
    private final CheckpointStore checkpoints;
    private final StagingTable staging;
    private final BlockingQueue<byte[]> pool;
    private final Lane[] lanes;
    private final Object turn = new Object();
    private Checkpoint committed;
    private Checkpoint handedOut;
    private volatile Exception failure;

    StagingLanes(CheckpointStore checkpoints, StagingTable staging, WarehouseSession session, int count) {
        this.session = session;
        this.checkpoints = checkpoints;
        this.staging = staging;
        Checkpoint from = checkpoints.current();
        this.committed = from;
        this.handedOut = from;
        int n = Math.max(1, Math.min(MAX_LANES, count));
        this.pool = new ArrayBlockingQueue<>(n * QUEUED_PER_LANE + n);
        for (int i = 0; i < n * QUEUED_PER_LANE + n; i++) {
            pool.add(session.block(BLOCK));
        }
        this.lanes = new Lane[n];
        try {
            for (int i = 0; i < n; i++) {
                lanes[i] = new Lane(i, session.laneConnection(i));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        for (Lane l : lanes) {
            l.thread.start();
        }
    }

    /** Opens the next chunk on its lane; write its rows to the returned stream, then {@link #end} it. */
    public Chunk begin(String copyOptions, List<String> columns) throws IOException {
        int chunk = handedOut.chunks() + 1;
        Lane lane = lanes[chunk % lanes.length];
        lane.put(new Start(staging.copySql(copyOptions, columns)));
        return new Chunk(lane, chunk);
    }

    /**
     * Ends the chunk: it commits (in turn) with what it wrote; returns the checkpoint it reaches once committed, from
     * which the next chunk goes on.
     */
    public Checkpoint end(Chunk c, StagingLoop.Written w) throws IOException {
        c.flush();
        handedOut = new Checkpoint(w.position(), handedOut.rows() + w.rows(), handedOut.chunks() + 1,
                handedOut.snapshots() + (w.newSnapshot() ? 1 : 0));
        c.lane.put(new End(handedOut));
        return handedOut;
    }

    /** Waits until every chunk handed out is committed; returns the checkpoint; throws the first failure as {@link Failed}. */
    public Checkpoint drain() throws Exception {
        synchronized (turn) {
            while (committed.chunks() < handedOut.chunks() && failure == null) {
                turn.wait(1_000);
            }
        }
        failed();
        return committed;
    }

    private void fail(Exception e) {
        synchronized (turn) {
            if (failure == null) {
                failure = e;
            }
            turn.notifyAll();
        }
    }

    /**
     * Stops every lane; chunks not committed are rolled back. After a clean end (every chunk committed, no failure) the
     * lanes' connections and blocks go back to the session for the next partition of a range; otherwise the
     * connections are closed, since one may be broken.
     */
    @Override
    public void close() {
        boolean clean = failure == null && committed.chunks() == handedOut.chunks();
        fail(new IOException("staging lanes closed"));
        for (Lane l : lanes) {
            if (l != null) {
                l.thread.interrupt();
            }
        }
        for (Lane l : lanes) {
            if (l != null) {
                try {
                    l.thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (clean && !l.thread.isAlive() && l.connection != null) {
                    session.returnLane(l.connection);
                } else {
                    l.closeConnection();
                }
            }
        }
        if (clean) {
            session.returnBlocks(pool);
        }
    }

    /** The stream of one chunk's bytes, cut into pooled blocks. */
    public final class Chunk extends OutputStream {
        private final Lane lane;
        private final int number;
        private byte[] block;
        private int n;

        private Chunk(Lane lane, int number) {
            this.lane = lane;
            this.number = number;
        }

        /** The chunk's number: the checkpoint's chunk count once it is committed. */
        public int number() {
            return number;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (block == null) {
                    block = take();
                    n = 0;
                }
                int k = Math.min(len, block.length - n);
                System.arraycopy(b, off, block, n, k);
                n += k;
                off += k;
                len -= k;
                if (n == block.length) {
                    flush();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            if (block != null && n > 0) {
                lane.put(new Data(block, n));
                block = null;
            }
        }
    }

    private byte[] take() throws IOException {
        try {
            while (true) {
                byte[] b = pool.poll(200, TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
                failed();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while staging", e);
        }
    }

    private void failed() throws Failed {
        Exception e = failure;
        if (e != null) {
            throw new Failed(e);
        }
    }

    /** A lane failed while the caller was writing: {@link #getCause()} is what failed. */
    public static final class Failed extends IOException {
        Failed(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final class Lane implements Runnable {
        private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUED_PER_LANE + 2);
        private final Connection connection;
        private final Thread thread;
        private CopyIn copy;

        Lane(int index, Connection connection) {
            this.connection = connection;
            this.thread = new Thread(this, "staging-lane-" + index);
            this.thread.setDaemon(true);
        }

        void put(Item item) throws IOException {
            try {
                while (!queue.offer(item, 200, TimeUnit.MILLISECONDS)) {
                    failed();
                }
                failed();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while staging", e);
            }
        }

        @Override
        public void run() {
            try {
                connection.setAutoCommit(false);
                while (true) {
                    Item item = queue.take();
                    if (failure != null) {
                        break;
                    }
                    switch (item) {
                        case Start s -> copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(s.sql());
                        case Data d -> {
                            copy.writeToCopy(d.block(), 0, d.length());
                            pool.offer(d.block());
                        }
                        case End e -> commit(e.reached());
                    }
                }
            } catch (InterruptedException e) {
                fail(new IOException("staging interrupted", e));
            } catch (Exception e) {
                fail(e);
            } finally {
                abandon();
            }
        }

        /** In turn: the chunk's checkpoint, fenced on the previous chunk's, then the commit. */
        private void commit(Checkpoint reached) throws Exception {
            copy.endCopy();
            copy = null;
            synchronized (turn) {
                while (committed.chunks() < reached.chunks() - 1 && failure == null) {
                    turn.wait(1_000);
                }
            }
            if (failure != null) {
                return;
            }
            checkpoints.advance(connection, reached);
            connection.commit();
            checkpoints.reached(reached);
            synchronized (turn) {
                committed = reached;
                turn.notifyAll();
            }
        }

        private void abandon() {
            try {
                if (copy != null && copy.isActive()) {
                    copy.cancelCopy();
                }
            } catch (SQLException ignored) {
                // The connection broke: nothing of this chunk was committed.
            }
            copy = null;
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // Same.
            }
            Item left;
            while ((left = queue.poll()) != null) {
                if (left instanceof Data d) {
                    pool.offer(d.block());
                }
            }
        }

        void closeConnection() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Closing a broken connection.
            }
        }
    }
}
