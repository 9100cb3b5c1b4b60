package com.shopflow.ingest.simulator.db;

import com.shopflow.ingest.core.pg.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a landed partition must hold, computed on the source: the number of rows of a table whose updated_at is in
 * [start, end) and a checksum of their content.
 *
 * <p>The checksum is exactly {@code md5(string_agg(md5(t::text), '' ORDER BY t.id))} over
 * {@code (SELECT <columns> FROM <table> WHERE ...) t}, where {@code <columns>} are the source table's columns in
 * their order ({@link #columns()}, e.g. {@code id, customer_id, status, ...}), evaluated with
 * {@code TimeZone = 'UTC'} and {@code DateStyle = 'ISO, MDY'} (record text of timestamptz depends on them), and
 * {@code "empty"} when there is no row. {@link #landed} computes the same over a warehouse partition, selecting
 * the same columns (not the {@code _} metadata), so equal truths mean the same rows with the same values.
 */
public record TableTruth(String table, List<String> columns, long count, String checksum) {
    static final String KEY = "id";

    /** The rows of {@code public.<table>} with updated_at in [start, end). */
    public static TableTruth source(Connection c, String table, Instant start, Instant end) throws SQLException {
        List<String> columns = columns(c, table);
        String where = "updated_at >= ? AND updated_at < ?";
        return new TableTruth(table, columns, 0, null).compute(c, Identifiers.qualified("public", table), where, start, end);
    }

    /**
     * The same checksum over the warehouse partition {@code schema.table} with {@code _interval_start = start} and
     * {@code _interval_end = end}, over {@code columns} (typically {@code source(...).columns()}).
     */
    public static TableTruth landed(Connection c, String schema, String table, List<String> columns, Instant start,
                                    Instant end) throws SQLException {
        String where = "_interval_start = ? AND _interval_end = ?";
        return new TableTruth(table, columns, 0, null).compute(c, Identifiers.qualified(schema, table), where, start, end);
    }

    /** The columns of {@code public.<table>} in their order. */
    public static List<String> columns(Connection c, String table) throws SQLException {
        String sql = "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped"
                + " ORDER BY attnum";
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, Identifiers.qualified("public", table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return List.copyOf(out);
    }

    private TableTruth compute(Connection c, String from, String where, Instant start, Instant end) throws SQLException {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("no columns for " + from);
        }
        String list = columns.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
        String sql = "SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY t." + Identifiers.quote(KEY) + ")), 'empty')"
                + " FROM (SELECT " + list + " FROM " + from + " WHERE " + where + ") t";
        return ShopDatabase.inTransaction(c, () -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL TimeZone = 'UTC'");
                s.execute("SET LOCAL DateStyle = 'ISO, MDY'");
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, OffsetDateTime.ofInstant(start, ZoneOffset.UTC));
                ps.setObject(2, OffsetDateTime.ofInstant(end, ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new TableTruth(table, columns, rs.getLong(1), rs.getString(2));
                }
            }
        });
    }
}
