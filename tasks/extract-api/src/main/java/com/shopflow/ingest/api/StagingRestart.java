package com.shopflow.ingest.api;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.landing.Catalog;
import com.shopflow.ingest.core.pg.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;

/**
 * Starts a partition's staging over: empties the staging table and resets its checkpoint, in one
 * transaction, fenced on the chunk count the caller saw. Needed when a saved cursor has expired: the pages
 * staged under it cannot be continued, and rows staged before a restart must not mix with the new reading.
 *
 * <p>Workaround: {@code Landing} (tasks/core) has no restart method yet, so this works on the landing's
 * catalog tables directly; the caller must call {@code Landing.recover()} afterwards to read the reset
 * checkpoint back. The run holds the partition lock, so no other run stages this partition meanwhile.
 */
final class StagingRestart {
    private StagingRestart() {
    }

    static void run(DbSettings warehouse, String target, Interval interval, int chunksSeen) {
        try (Connection c = warehouse.connect("shopflow-ingest/extract-api-restart")) {
            c.setAutoCommit(false);
            String staging;
            try (PreparedStatement q = c.prepareStatement("""
                    SELECT staging_table FROM _ingest.checkpoint
                    WHERE target = ? AND interval_start = ? AND interval_end = ? AND chunks = ? FOR UPDATE""")) {
                bind(q, target, interval);
                q.setInt(4, chunksSeen);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        throw new IngestException(ErrorCode.LOCKED, "the checkpoint of " + target + " " + interval
                                + " moved while this run restarted it; another run is at work, this one stops");
                    }
                    staging = rs.getString(1);
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("TRUNCATE " + Identifiers.qualified(Catalog.PARTITIONS, staging));
            }
            try (PreparedStatement up = c.prepareStatement("""
                    UPDATE _ingest.checkpoint SET position = NULL, rows_staged = 0, chunks = 0, snapshots = 1,
                           updated_at = clock_timestamp()
                    WHERE target = ? AND interval_start = ? AND interval_end = ?""")) {
                bind(up, target, interval);
                up.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            throw Failures.fromDatabase("warehouse", ErrorCode.WAREHOUSE_UNAVAILABLE, e);
        }
    }

    private static void bind(PreparedStatement ps, String target, Interval interval) throws SQLException {
        ps.setString(1, target);
        ps.setTimestamp(2, Timestamp.from(interval.start()));
        ps.setTimestamp(3, Timestamp.from(interval.end()));
    }
}
