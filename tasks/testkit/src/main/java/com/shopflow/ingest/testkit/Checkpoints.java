package com.shopflow.ingest.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The staging checkpoint of a run under test, for tests that interrupt it at a chosen chunk. Poll on one held
 * connection: opening one per poll would be slower than a chunk.
 */
public final class Checkpoints {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Checkpoints() {
    }

    /** Chunks committed by the pending run; -1 while there is none (or no catalog yet). */
    public static long chunks(Connection poll) throws SQLException {
        try (Statement s = poll.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT to_regclass('_ingest.checkpoint') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return -1;
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(chunks), -1) FROM _ingest.checkpoint")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Waits (a minute at most) until the run has committed {@code k} chunks, or has ended. */
    public static void await(Connection poll, AppProcess.Running run, long k) throws Exception {
        await(poll, run, k, WAIT);
    }

    public static void await(Connection poll, AppProcess.Running run, long k, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (chunks(poll) < k && run.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
    }

    /** SIGKILLs the run once {@code k} chunks are committed; false if it ended first. */
    public static boolean killAt(Connection poll, AppProcess.Running run, long k) throws Exception {
        return killAt(poll, run, k, WAIT);
    }

    public static boolean killAt(Connection poll, AppProcess.Running run, long k, Duration timeout) throws Exception {
        await(poll, run, k, timeout);
        if (!run.isAlive()) {
            return false;
        }
        run.kill();
        return true;
    }
}
