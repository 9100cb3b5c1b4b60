package com.shopflow.ingest.core.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/** What {@code inspect} shows of {@code _ingest.verification}: the last verification of a partition, in a few words. */
final class Verifications {
    private Verifications() {
    }

    /** False on a warehouse not yet migrated to the version that has the table. */
    static boolean present(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('_ingest.verification') IS NOT NULL"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * e.g. {@code equal 2026-11-24T00:05:12} or {@code different (1/0/2) 2026-11-24T00:05:12} (missing/extra/different);
     * a verification older than the partition's publish is marked {@code stale}: it compared an earlier landing.
     */
    static String last(Connection c, String target, Timestamp start, Timestamp end) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT v.outcome, v.missing, v.extra, v.different, v.verified_at, v.verified_at < p.published_at
                FROM _ingest.verification v LEFT JOIN _ingest.partition p ON p.target = v.target AND p.interval_start = v.interval_start
                  AND p.interval_end = v.interval_end
                WHERE v.target = ? AND v.interval_start = ? AND v.interval_end = ? ORDER BY v.verified_at DESC LIMIT 1""")) {
            ps.setString(1, target);
            ps.setTimestamp(2, start);
            ps.setTimestamp(3, end);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "never";
                }
                String what = "equal".equals(rs.getString(1)) ? "equal" : "different (" + rs.getInt(2) + "/" + rs.getInt(3) + "/" + rs.getInt(4) + ")";
                return what + " " + rs.getTimestamp(5).toInstant().toString().substring(0, 19) + (rs.getBoolean(6) ? " stale" : "");
            }
        }
    }
}
