package com.shopflow.ingest.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.sql.Timestamp;

/** Assertions' helpers on landed partitions: row count and an order-independent content checksum. */
public final class Partitions {
    private Partitions() {
    }

    /**
     * md5 over every row of the partition (all columns, metadata included) in key order: equal checksums mean
     * identical partitions.
     */
    public static String checksum(Connection c, String rawTable, String keyColumn, Instant start, Instant end) throws SQLException {
        String sql = "SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY t.\"" + keyColumn + "\")), 'empty') FROM raw.\""
                + rawTable + "\" t WHERE _interval_start = ? AND _interval_end = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(start));
            ps.setTimestamp(2, Timestamp.from(end));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) + ":" + rs.getString(2);
            }
        }
    }

    public static long count(Connection c, String rawTable, Instant start, Instant end) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM raw.\"" + rawTable
                + "\" WHERE _interval_start = ? AND _interval_end = ?")) {
            ps.setTimestamp(1, Timestamp.from(start));
            ps.setTimestamp(2, Timestamp.from(end));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
