package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.Interval;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * One partition of one raw table, as the bookkeeping tables key it: {@code (target, interval_start, interval_end)}.
 * It binds its own {@link #PREDICATE}, so no statement spells the three parameters out by hand.
 *
 * @param target the raw table, e.g. {@code raw.orders}
 */
public record Partition(String target, Interval interval) {
    /** The key of every {@code _ingest} table: bind it with {@link #bind}. */
    public static final String PREDICATE = "target = ? AND interval_start = ? AND interval_end = ?";

    public static Partition of(String table, Interval interval) {
        return new Partition(Catalog.RAW + "." + table, interval);
    }

    /** Sets the {@link #PREDICATE}'s three parameters from {@code first}; returns the index after them. */
    public int bind(PreparedStatement ps, int first) throws SQLException {
        ps.setString(first, target);
        ps.setTimestamp(first + 1, Timestamp.from(interval.start()));
        ps.setTimestamp(first + 2, Timestamp.from(interval.end()));
        return first + 3;
    }

    @Override
    public String toString() {
        return target + " " + interval;
    }
}
