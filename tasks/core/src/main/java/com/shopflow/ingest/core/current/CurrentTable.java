package com.shopflow.ingest.core.current;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.landing.Catalog;
import com.shopflow.ingest.core.landing.Landing;
import com.shopflow.ingest.core.landing.PartitionNames;
import com.shopflow.ingest.core.landing.RawTable;
import com.shopflow.ingest.core.pg.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;
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
    private static final String UNIQUE_VIOLATION = "23505";

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

    /**
     * The index on (interval, key): it finds an interval's rows, and in key order, so the re-land diff merges them with
     * the new partition without reading the rest of the table.
     */
    private String intervalKeyIndexName() {
        return table + "_interval_key";
    }

    private String intervalKeyIndex() {
        return "CREATE INDEX IF NOT EXISTS " + Identifiers.quote(intervalKeyIndexName()) + " ON " + qualified() + " ("
                + Identifiers.quote(RawTable.INTERVAL_START) + ", " + Identifiers.quote(RawTable.INTERVAL_END) + ", " + Identifiers.quote(key) + ")";
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
            "bytea", "timestamp with time zone", "timestamp without time zone", "character varying");

    /**
     * Whether values of {@code type} (as {@code format_type} prints it) are equal exactly when their text is. Besides
     * {@link #EXACT}: numeric with a declared scale (every value is stored at that scale, so 1.5 is kept as 1.50) and
     * character(n) (every value is stored padded to n, so the padding its equality ignores is always the same).
     */
    static boolean exact(String type) {
        return EXACT.contains(MODIFIER.matcher(type).replaceAll("")) || FIXED.matcher(type).matches();
    }

    private static final Pattern MODIFIER = Pattern.compile("\\(.*\\)");
    private static final Pattern FIXED = Pattern.compile("numeric\\(\\d+,\\d+\\)|character\\(\\d+\\)");

    /**
     * A row's data values by column name (so two tables compare whatever their column order), for IS DISTINCT FROM:
     * columns of {@link #exact} types as they are (cheap), all others together as the text of a row, since their
     * equality is looser than their text (numeric 1.0 = 1.00, jsonb, -0 = 0) or missing (json). {@code columns} maps a
     * name to its type on both sides, or to null where the two sides' types differ (then the text decides).
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
            if (e.getValue() != null && exact(e.getValue())) {
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
            switch (state(c)) {
                case MISSING -> {
                    build(c, s, "created");
                    return;
                }
                case OLD_INDEX -> {
                    // Built by an earlier version, with an index on the interval alone: the diff then read every current row.
                    s.execute(intervalKeyIndex());
                    s.execute("DROP INDEX IF EXISTS " + Identifiers.qualified(SCHEMA, table + "__interval_start__interval_end_idx"));
                }
                case READY -> { }
            }
            Map<String, String> rawColumns = RawTable.columns(c, Catalog.RAW, table);
            Map<String, String> mine = RawTable.columns(c, SCHEMA, table);
            // Each column's type where both sides have the same one (a column added here takes raw's), else null.
            Map<String, String> compared = new LinkedHashMap<>();
            for (var e : rawColumns.entrySet()) {
                if (!mine.containsKey(e.getKey())) {
                    s.execute("ALTER TABLE " + qualified() + " ADD COLUMN " + Identifiers.quote(e.getKey()) + " " + e.getValue());
                }
                compared.put(e.getKey(), e.getValue().equals(mine.getOrDefault(e.getKey(), e.getValue())) ? e.getValue() : null);
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
            // No hash joins: they would hold whole rows of the current table in memory, 2-3x slower at 4 million rows than
            // walking both key indexes in order. These statements are plain scans and joins: compiling them (JIT) costs more
            // than it saves.
            String partition = Identifiers.qualified(Catalog.PARTITIONS, PartitionNames.of(table, interval).published());
            s.execute("SET LOCAL work_mem = " + Identifiers.literal(Catalog.PUBLISH_WORK_MEM) + "; SET LOCAL enable_hashjoin = off; SET LOCAL jit = off");
            // The partition just attached, by its own name: through the raw table, each statement would be planned against
            // every partition's bounds, rebuilt after each ATTACH (the upsert's planning: 1.6 ms a publish on average over a
            // 731-day range, growing with the number of partitions).
            String newRows = "(SELECT * FROM " + partition + " p WHERE p." + k + " IS NOT NULL)";
            int rechecked = 0;
            int recomputed = 0;
            int upserted = 0;
            // The upsert's filter: none (every new row) when the interval never landed, null when nothing changed.
            String candidates = "";
            boolean seen = seen(s, interval);
            if (seen) {
                candidates = null;
                // The interval landed before: one join of its current rows with the new partition finds every key with work to
                // do. Gone: the current row came from here and its new version is missing or older (a row that moved out, a
                // corrected file), so it is recomputed from all partitions by key. Then the new rows without a current row
                // from here, or differing from it, are upserted; a row equal to its current row needs nothing, so an identical
                // re-run ends here, having written (and locked) nothing.
                // Both sides are read whole. A merge over the two key indexes reads the heap in key order: the fastest plan when
                // rows lie in about key order (2 million orders here: 1.1 s, against 4.5 s to read and sort both), one random
                // page read per row when they do not (3 million orders written in cursor order: 18 s against 6 s). The planner
                // takes the pages for cached and misses that, so a sample of the rows' physical order decides (diffPlan). Only
                // for this join; the upsert below probes the key index for each new row. The new partition's statistics
                // first: without them the planner takes it for 100 rows and sorts millions of rows in a few MB.
                s.execute("ANALYZE " + partition);
                DiffPlan plan = diffPlan(s, partition, k, interval);
                boolean inKeyOrder = plan.inKeyOrder();
                if (!inKeyOrder) {
                    s.execute("SET LOCAL enable_indexscan = off");
                }
                // Sorted, a text key sorts much faster by its bytes than by its collation (4 million order_ref: 13 s -> 10 s).
                String join = !inKeyOrder && plan.byteOrder() ? "r." + k + " COLLATE \"C\" = c." + k + " COLLATE \"C\"" : "r." + k + " = c." + k;
                int changed = s.executeUpdate("CREATE TEMP TABLE current_diff ON COMMIT DROP AS SELECT r." + k + " AS new_key, c." + k
                        + " AS old_key, c." + k + " IS NOT NULL AND (r." + k + " IS NULL OR NOT coalesce(" + rank("r") + " >= " + rank("c")
                        + ", false)) AS gone FROM " + newRows + " r FULL JOIN (SELECT * FROM " + qualified() + " c WHERE " + in("c", interval)
                        + ") c ON " + join + " WHERE r." + k + " IS NULL OR c." + k + " IS NULL OR NOT coalesce(" + rank("r") + " >= "
                        + rank("c") + ", false) OR " + values("c", compared) + " IS DISTINCT FROM " + values("r", compared));
                if (!inKeyOrder) {
                    s.execute("RESET enable_indexscan");
                }
                if (changed > 0) {
                    // Statistics first: without them the planner takes the temp table for large and scans every partition.
                    s.execute("ANALYZE current_diff");
                    rechecked = s.executeUpdate("DELETE FROM " + qualified() + " c USING current_diff g WHERE g.gone AND c." + k + " = g.old_key");
                    if (rechecked > 0) {
                        recomputed = s.executeUpdate("INSERT INTO " + qualified() + " (" + cols + ") SELECT DISTINCT ON (r." + k + ") " + rCols
                                + " FROM " + raw() + " r WHERE r." + k + " IN (SELECT old_key FROM current_diff WHERE gone) ORDER BY r." + k
                                + ", " + latestFirst("r"));
                    }
                    candidates = " AND r." + k + " IN (SELECT new_key FROM current_diff)";
                }
            }
            if (candidates != null) {
                // Then the new partition's rows: where later than the key's current row, or replacing this interval's own
                // earlier version of it when that differs. Each new row probes the key index: a merge join would walk the
                // current table's key index from its first key, which is all of it when the new keys are the greatest.
                s.execute("SET LOCAL enable_mergejoin = off");
                String later = rank("r") + " > " + rank("c") + " OR (" + in("c", interval) + " AND " + values("c", compared)
                        + " IS DISTINCT FROM " + values("r", compared) + ")";
                upserted = s.executeUpdate("INSERT INTO " + qualified() + " AS t (" + cols + ") SELECT " + rCols + " FROM " + newRows
                        + " r LEFT JOIN " + qualified() + " c ON c." + k + " = r." + k + " WHERE (c." + k + " IS NULL OR " + later + ")" + candidates
                        + " ON CONFLICT (" + k + ") DO UPDATE SET " + set + " WHERE " + rank("EXCLUDED") + " > " + rank("t")
                        + " OR (" + in("t", interval) + " AND " + values("t", compared) + " IS DISTINCT FROM " + values("EXCLUDED", compared) + ")");
            }
            // The rest of the publish transaction (the task's hook, the ledger) runs with the server's settings.
            s.execute((seen ? "DROP TABLE IF EXISTS current_diff; " : "") + "RESET work_mem; RESET enable_hashjoin; RESET enable_mergejoin; RESET jit");
            LOG.debugf("%s: %d keys rechecked, %d recomputed, %d rows taken from %s", qualified(), rechecked, recomputed, upserted, interval);
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
        // A sort of all rows and three index builds: with the default 4 MB / 64 MB they spill to disk many times over.
        s.execute("SET LOCAL work_mem = " + Identifiers.literal(Catalog.PUBLISH_WORK_MEM));
        s.execute("SET LOCAL maintenance_work_mem = " + Identifiers.literal(Catalog.PUBLISH_WORK_MEM));
        s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
        s.execute("DROP TABLE IF EXISTS " + qualified());
        s.execute("CREATE TABLE " + qualified() + " (LIKE " + raw() + ")");
        long n = singlePartition(c) ? copyUnique(s, k) : -1;
        if (n < 0) {
            n = s.executeUpdate("INSERT INTO " + qualified() + " SELECT DISTINCT ON (r." + k + ") r.* FROM " + raw() + " r WHERE r." + k
                    + " IS NOT NULL ORDER BY r." + k + ", " + latestFirst("r"));
            s.execute("CREATE UNIQUE INDEX ON " + qualified() + " (" + k + ")");
        }
        s.execute(intervalKeyIndex());
        s.execute("ANALYZE " + qualified());
        if (!rawKeyIndexed(c)) {
            // Recomputing a key reads its versions in every partition: by index, not by scanning the table.
            s.execute("CREATE INDEX ON " + raw() + " (" + k + ")");
        }
        s.execute("RESET work_mem");
        s.execute("RESET maintenance_work_mem");
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

    /**
     * The rows of a raw table of one partition, copied as they are (no sort: the key is unique in a partition), and the
     * key's unique index that proves it; -1, with nothing copied, when a key repeats after all.
     */
    private long copyUnique(Statement s, String k) throws SQLException {
        s.execute("SAVEPOINT current_copy");
        try {
            long n = s.executeUpdate("INSERT INTO " + qualified() + " SELECT * FROM " + raw() + " r WHERE r." + k + " IS NOT NULL");
            s.execute("CREATE UNIQUE INDEX ON " + qualified() + " (" + k + ")");
            s.execute("RELEASE SAVEPOINT current_copy");
            return n;
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            s.execute("ROLLBACK TO SAVEPOINT current_copy");
            LOG.debugf("%s: a key repeats in the only partition of %s; picking the latest version of each", qualified(), raw());
            return -1;
        }
    }

    private boolean singlePartition(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) = 1 FROM pg_inherits WHERE inhparent = to_regclass(?)")) {
            ps.setString(1, raw());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
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

    /** Rows sampled, in key order, to see how often the next row lies on another heap page. */
    private static final int ORDER_SAMPLE = 2_000;

    /** How the re-land diff should read both sides. */
    private record DiffPlan(boolean inKeyOrder, boolean byteOrder) { }

    /**
     * Whether the partition and this table's rows of {@code interval} lie in about key order: of the first
     * {@link #ORDER_SAMPLE} rows of each in key order, at most half are on another heap page than the row before (rows
     * written in key order: 2%; keys like MP-1, MP-10, MP-100: 21%; keys unrelated to the write order: 100%). The
     * statistics' correlation cannot tell the second case from the third. And whether the key may be sorted by its bytes
     * for the join (a collatable key of a deterministic collation, where equal means byte-equal).
     */
    private DiffPlan diffPlan(Statement s, String partition, String k, Interval interval) throws SQLException {
        String query = "SELECT " + inKeyOrder(partition, "", k) + " AND "
                + inKeyOrder(qualified(), " WHERE " + in("x", interval), k) + ", (SELECT a.attcollation <> 0 AND co.collisdeterministic"
                + " FROM pg_attribute a JOIN pg_collation co ON co.oid = a.attcollation WHERE a.attrelid = " + Identifiers.literal(raw())
                + "::regclass AND a.attname = " + Identifiers.literal(key) + ") IS TRUE";
        try (ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return new DiffPlan(rs.getBoolean(1), rs.getBoolean(2));
        }
    }

    /** The sample of {@link #diffPlan} on table {@code from} (alias x), filtered by {@code where}: true when in key order. */
    private static String inKeyOrder(String from, String where, String k) {
        return "(SELECT count(*) FILTER (WHERE b IS DISTINCT FROM pb) <= count(*) / 2 FROM (SELECT b, lag(b) OVER (ORDER BY k) pb FROM"
                + " (SELECT x." + k + " k, (x.ctid::text::point)[0] b FROM " + from + " x" + where + " ORDER BY x." + k + " LIMIT " + ORDER_SAMPLE
                + ") s) t)";
    }

    /** Whether a current row comes from {@code interval} (found through the interval index). */
    private boolean seen(Statement s, Interval interval) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + qualified() + " c WHERE " + in("c", interval) + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private enum State { MISSING, OLD_INDEX, READY }

    private State state(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL, to_regclass(?) IS NOT NULL")) {
            ps.setString(1, qualified());
            ps.setString(2, Identifiers.qualified(SCHEMA, intervalKeyIndexName()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return !rs.getBoolean(1) ? State.MISSING : rs.getBoolean(2) ? State.READY : State.OLD_INDEX;
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
