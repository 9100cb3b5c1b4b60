package com.shopflow.ingest.core.current;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.landing.Catalog;
import com.shopflow.ingest.core.landing.Landing;
import com.shopflow.ingest.core.landing.RawTable;
import com.shopflow.ingest.core.pg.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.jboss.logging.Logger;

/**
 * {@code raw_current.<table>}: one row per key, the latest version across all partitions of {@code raw.<table>}: the
 * greatest cursor, then the greatest interval end, then start (the partition that saw the row last). Kept in step by
 * {@link #maintain}, inside each publish transaction, with work proportional to the partition: the keys whose current
 * row came from the re-landed interval and whose new version there is gone or older are recomputed from all partitions
 * through an index on the key, then the new partition's rows are upserted where they are later (or replace their own
 * interval's earlier version). {@link #rebuild} recreates it from all partitions.
 *
 * @param table  the raw table's name ({@code orders})
 * @param key    its key column, unique in each partition
 * @param cursor its cursor column, or null when it has none (then the interval decides)
 */
public record CurrentTable(String table, String key, String cursor) {
    public static final String SCHEMA = "raw_current";
    /** The ShopFlow tables, on by default. */
    public static final List<String> DEFAULT_TABLES = List.of("orders", "customers", "order_items", "products", "marketplace_orders");
    private static final Logger LOG = Logger.getLogger(CurrentTable.class);

    /**
     * Whether {@code table} keeps a current-state table: {@code INGEST_CURRENT_<TABLE>=on|off} decides when set, else
     * membership of {@code configured} ({@code INGEST_LANDING_CURRENT_TABLES}; {@code none} for no table).
     */
    public static boolean enabled(String table, List<String> configured, Map<String, String> env) {
        String name = "INGEST_CURRENT_" + table.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        String v = env.get(name);
        if (v != null && !v.isBlank()) {
            return switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "on", "true", "1" -> true;
                case "off", "false", "0" -> false;
                default -> throw new IngestException(ErrorCode.CONFIG, name + " must be on or off, not '" + Identifiers.printable(v) + "'");
            };
        }
        return configured.stream().map(String::trim).anyMatch(table::equals);
    }

    /**
     * The publish hook that maintains it for {@code interval}, run before {@code then} (the task's own hook, or null);
     * when the table is off, {@code then} alone.
     */
    public static Landing.PublishHook around(boolean enabled, CurrentTable current, Interval interval, Landing.PublishHook then) {
        if (!enabled) {
            return then;
        }
        return (c, runId) -> {
            current.maintain(c, interval);
            if (then != null) {
                then.run(c, runId);
            }
        };
    }

    /** {@link #around(boolean, CurrentTable, Interval, Landing.PublishHook)}, on when the configuration says so for its table. */
    public static Landing.PublishHook around(com.shopflow.ingest.core.config.IngestConfig.Landing config, CurrentTable current, Interval interval,
                                             Landing.PublishHook then) {
        return around(enabled(current.table(), config.currentTables(), System.getenv()), current, interval, then);
    }

    String qualified() {
        return Identifiers.qualified(SCHEMA, table);
    }

    private String raw() {
        return Identifiers.qualified(Catalog.RAW, table);
    }

    private static String in(String alias, Interval interval) {
        return alias + "." + Identifiers.quote(RawTable.INTERVAL_START) + " = " + Identifiers.literal(interval.start().toString())
                + "::timestamptz AND " + alias + "." + Identifiers.quote(RawTable.INTERVAL_END) + " = "
                + Identifiers.literal(interval.end().toString()) + "::timestamptz";
    }

    /** Types whose equality is equality of their text (so "unchanged" means byte-identical): compared as they are. */
    private static final java.util.Set<String> EXACT = java.util.Set.of("smallint", "integer", "bigint", "boolean", "text", "uuid", "date",
            "bytea", "timestamp with time zone", "timestamp without time zone");

    /**
     * A row's data values by column name (so two tables compare whatever their column order), for IS DISTINCT FROM:
     * columns of {@link #EXACT} types as they are (cheap), all others together as the text of a row, since their
     * equality is looser than their text (numeric 1.0 = 1.00, jsonb, -0 = 0) or missing (json).
     */
    private static String values(String alias, Map<String, String> columns) {
        StringJoiner exact = new StringJoiner(", ", "(", ")");
        StringJoiner rest = new StringJoiner(", ", "ROW(", ")::text");
        boolean anyRest = false;
        for (var e : columns.entrySet()) {
            if (e.getKey().equals(RawTable.INTERVAL_START) || e.getKey().equals(RawTable.INTERVAL_END)) {
                continue;
            }
            String col = alias + "." + Identifiers.quote(e.getKey());
            String type = e.getValue().replaceAll("\\(.*\\)", "");
            if (EXACT.contains(type) || type.equals("character varying")) {
                exact.add(col);
            } else {
                rest.add(col);
                anyRest = true;
            }
        }
        if (anyRest) {
            exact.add(rest.toString());
        }
        return "ROW" + exact;
    }

    /** The order of versions, latest first. */
    private String latestFirst(String alias) {
        String p = alias + ".";
        return (cursor == null ? "" : p + Identifiers.quote(cursor) + " DESC NULLS LAST, ") + p + Identifiers.quote(RawTable.INTERVAL_END)
                + " DESC, " + p + Identifiers.quote(RawTable.INTERVAL_START) + " DESC";
    }

    private String rank(String alias) {
        StringJoiner r = new StringJoiner(", ", "(", ")");
        if (cursor != null) {
            r.add(alias + "." + Identifiers.quote(cursor));
        }
        r.add(alias + "." + Identifiers.quote(RawTable.INTERVAL_END)).add(alias + "." + Identifiers.quote(RawTable.INTERVAL_START));
        return r.toString();
    }

    /**
     * Brings the current table up to date with the partition of {@code interval} just attached, in the caller's
     * transaction (the publish), under a lock per table so two publishes of one table take turns here.
     */
    public void maintain(Connection c, Interval interval) throws SQLException {
        try (Statement s = c.createStatement()) {
            lock(c);
            if (!exists(c)) {
                build(c, s, "created");
                return;
            }
            Map<String, String> rawColumns = RawTable.columns(c, Catalog.RAW, table);
            Map<String, String> mine = RawTable.columns(c, SCHEMA, table);
            for (var e : rawColumns.entrySet()) {
                if (!mine.containsKey(e.getKey())) {
                    s.execute("ALTER TABLE " + qualified() + " ADD COLUMN " + Identifiers.quote(e.getKey()) + " " + e.getValue());
                }
            }
            StringJoiner cols = new StringJoiner(", ");
            StringJoiner set = new StringJoiner(", ");
            StringJoiner rCols = new StringJoiner(", ");
            for (String name : rawColumns.keySet()) {
                cols.add(Identifiers.quote(name));
                rCols.add("r." + Identifiers.quote(name));
                set.add(Identifiers.quote(name) + " = EXCLUDED." + Identifiers.quote(name));
            }
            String k = Identifiers.quote(key);
            // Keys whose current row came from this interval and whose new version there is gone or older (a row that moved
            // out, a corrected file): recompute them from all partitions by key. Usually few; found by an anti-join of the
            // interval's current rows with the new partition, so the cost follows the partition, not the table.
            // The new partition has no statistics yet: a nested loop over it would compare every pair of rows.
            s.execute("SET LOCAL enable_nestloop = off");
            int recheck = s.executeUpdate("CREATE TEMP TABLE current_recheck ON COMMIT DROP AS SELECT c." + k + " FROM " + qualified() + " c WHERE " + in("c", interval)
                    + " AND NOT EXISTS (SELECT 1 FROM " + raw() + " p WHERE " + in("p", interval) + " AND p." + k + " = c." + k + " AND "
                    + rank("p") + " >= " + rank("c") + ")");
            s.execute("RESET enable_nestloop");
            int recomputed = 0;
            if (recheck > 0) {
                // Statistics first: without them the planner takes the temp table for large and scans every partition.
                s.execute("ANALYZE current_recheck");
                s.execute("DELETE FROM " + qualified() + " c USING current_recheck g WHERE c." + k + " = g." + k);
                recomputed = s.executeUpdate("INSERT INTO " + qualified() + " (" + cols + ") SELECT DISTINCT ON (r." + k + ") " + rCols
                        + " FROM " + raw() + " r WHERE r." + k + " IN (SELECT " + k + " FROM current_recheck) ORDER BY r." + k + ", "
                        + latestFirst("r"));
            }
            s.execute("DROP TABLE current_recheck");
            // Then the new partition's rows: where later than the key's current row, or replacing this interval's own earlier
            // version of it when that differs. Unchanged rows are filtered out by an index probe each, so an identical re-run
            // writes (and locks) nothing.
            String later = rank("r") + " > " + rank("c") + " OR (" + in("c", interval) + " AND " + values("c", rawColumns) + " IS DISTINCT FROM "
                    + values("r", rawColumns) + ")";
            int upserted = s.executeUpdate("INSERT INTO " + qualified() + " AS t (" + cols + ") SELECT " + rCols + " FROM " + raw() + " r LEFT JOIN "
                    + qualified() + " c ON c." + k + " = r." + k + " WHERE " + in("r", interval) + " AND r." + k + " IS NOT NULL AND (c." + k
                    + " IS NULL OR " + later + ") ON CONFLICT (" + k + ") DO UPDATE SET " + set + " WHERE " + rank("EXCLUDED") + " > " + rank("t")
                    + " OR (" + in("t", interval) + " AND " + values("t", rawColumns) + " IS DISTINCT FROM " + values("EXCLUDED", rawColumns) + ")");
            LOG.debugf("%s: %d keys rechecked, %d recomputed, %d rows taken from %s", qualified(), recheck, recomputed, upserted, interval);
        }
    }

    /** Recreates the table from all partitions, in one transaction: readers see the old table or the new one. */
    public long rebuild(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            lock(c);
            long n = build(c, s, "rebuilt");
            c.commit();
            return n;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private long build(Connection c, Statement s, String how) throws SQLException {
        if (RawTable.columns(c, Catalog.RAW, table).isEmpty()) {
            throw new IngestException(ErrorCode.USAGE, raw() + " does not exist: nothing to build " + qualified() + " from");
        }
        String k = Identifiers.quote(key);
        s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
        s.execute("DROP TABLE IF EXISTS " + qualified());
        s.execute("CREATE TABLE " + qualified() + " (LIKE " + raw() + ")");
        long n = s.executeUpdate("INSERT INTO " + qualified() + " SELECT DISTINCT ON (r." + k + ") r.* FROM " + raw() + " r WHERE r." + k
                + " IS NOT NULL ORDER BY r." + k + ", " + latestFirst("r"));
        s.execute("CREATE UNIQUE INDEX ON " + qualified() + " (" + k + ")");
        s.execute("CREATE INDEX ON " + qualified() + " (" + Identifiers.quote(RawTable.INTERVAL_START) + ", "
                + Identifiers.quote(RawTable.INTERVAL_END) + ")");
        s.execute("ANALYZE " + qualified());
        if (!rawKeyIndexed(c)) {
            // Recomputing a key reads its versions in every partition: by index, not by scanning the table.
            s.execute("CREATE INDEX ON " + raw() + " (" + k + ")");
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO _ingest.current_table (target, key_column, cursor_column, rebuilt_at) VALUES (?, ?, ?, clock_timestamp())
                ON CONFLICT (target) DO UPDATE SET key_column = EXCLUDED.key_column, cursor_column = EXCLUDED.cursor_column,
                  rebuilt_at = EXCLUDED.rebuilt_at""")) {
            ps.setString(1, Catalog.RAW + "." + table);
            ps.setString(2, key);
            ps.setString(3, cursor);
            ps.executeUpdate();
        }
        LOG.infof("%s %s from all partitions of %s: %d keys", qualified(), how, raw(), n);
        return n;
    }

    /** The table as it was last built, from {@code _ingest.current_table}; null when it never was. */
    public static CurrentTable recorded(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT key_column, cursor_column FROM _ingest.current_table WHERE target = ?")) {
            ps.setString(1, Catalog.RAW + "." + table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new CurrentTable(table, rs.getString(1), rs.getString(2)) : null;
            }
        }
    }

    private void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 7))")) {
            ps.setString(1, "current:" + raw());
            ps.execute();
        }
    }

    private boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, qualified());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private boolean rawKeyIndexed(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid JOIN pg_namespace n ON n.oid = r.relnamespace
                  JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = i.indkey[0]
                  WHERE n.nspname = ? AND r.relname = ? AND a.attname = ?)""")) {
            ps.setString(1, Catalog.RAW);
            ps.setString(2, table);
            ps.setString(3, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
