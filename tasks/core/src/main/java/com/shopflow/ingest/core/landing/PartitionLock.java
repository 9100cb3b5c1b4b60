package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A session-level advisory lock on (raw table, interval) in the warehouse: of two runs of one partition
 * (a zombie pod and its retry), one works and the other waits, then gives up with a message naming the
 * holder. The lock dies with its connection, so a killed run never leaves it behind.
 */
public final class PartitionLock {
    private PartitionLock() {
    }

    public static String key(String target, Interval interval) {
        return "partition:" + target + "|" + interval.start() + "|" + interval.end();
    }

    public static void acquire(Connection c, String target, Interval interval, Duration wait) throws SQLException {
        String key = key(target, interval);
        long deadline = System.nanoTime() + wait.toNanos();
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 11))")) {
            ps.setString(1, key);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return;
                    }
                }
                if (System.nanoTime() >= deadline) {
                    throw new IngestException(ErrorCode.LOCKED, "another run of " + target + " " + interval
                            + " is in progress (" + holder(c, key) + "); waited " + wait.toSeconds()
                            + " s. It will publish the partition or die; retry later.");
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IngestException(ErrorCode.INTERNAL, "interrupted while waiting for the partition lock");
                }
            }
        }
    }

    /** Gives the lock back on a connection that stays open for the next partition; false when it was not held. */
    static boolean release(Connection c, String target, Interval interval) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(hashtextextended(?, 11))")) {
            ps.setString(1, key(target, interval));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static String holder(Connection c, String key) {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.pid, a.application_name, coalesce(host(a.client_addr), 'local'), a.backend_start
                FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted
                  AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(?, 11)
                LIMIT 1""")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return "held by backend pid " + rs.getInt(1) + ", " + rs.getString(2) + " from " + rs.getString(3)
                            + " since " + rs.getTimestamp(4).toInstant();
                }
            }
        } catch (SQLException ignored) {
            // The holder is only for the message.
        }
        return "holder unknown";
    }
}
