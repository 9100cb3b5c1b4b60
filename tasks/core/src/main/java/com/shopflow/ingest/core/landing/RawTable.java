package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.pg.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Creates a raw table on first use and keeps it in step with its source: added columns are added (older
 * partitions read NULL), other changes follow the table's {@link SchemaPolicy}; every change is written to
 * {@code _ingest.schema_history}. Raw tables are range-partitioned on
 * {@code (_interval_start, _interval_end)} so that one partition is replaced by swapping one table.
 */
public final class RawTable {
    public static final String INTERVAL_START = "_interval_start";
    public static final String INTERVAL_END = "_interval_end";
    /** PostgreSQL's system columns: a user column of that name fails with SQLState 42701. */
    public static final java.util.Set<String> SYSTEM_COLUMNS = java.util.Set.of("tableoid", "xmin", "cmin", "xmax", "cmax", "ctid");
    /** PostgreSQL's limit of columns per table (dropped columns count too). */
    public static final int MAX_TABLE_COLUMNS = 1600;

    private RawTable() {
    }

    public static RawSchema ensure(Connection c, String table, Shape shape, List<Column> metadata, SchemaPolicy policy,
                                   UUID runId) throws SQLException {
        String target = Catalog.RAW + "." + table;
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 7))")) {
                lock.setString(1, "schema:" + target);
                lock.execute();
            }
            Map<String, String> existing = columns(c, Catalog.RAW, table);
            List<String> changes = new ArrayList<>();
            List<String[]> history = new ArrayList<>();
            List<RawSchema.Planned> plan = new ArrayList<>();
            String qualified = Identifiers.qualified(Catalog.RAW, table);
            checkReserved(shape, metadata);
            if (existing.isEmpty()) {
                StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(qualified).append(" (");
                for (Column col : shape.columns()) {
                    ddl.append(col.quoted()).append(' ').append(col.type()).append(", ");
                    history.add(new String[] {"create", col.name(), col.type(), null});
                    plan.add(new RawSchema.Planned(col, RawSchema.Source.SAME));
                }
                for (Column m : metadata) {
                    ddl.append(m.quoted()).append(' ').append(m.type()).append(", ");
                }
                ddl.append(Identifiers.quote(INTERVAL_START)).append(" timestamptz NOT NULL, ")
                        .append(Identifiers.quote(INTERVAL_END)).append(" timestamptz NOT NULL) PARTITION BY RANGE (")
                        .append(Identifiers.quote(INTERVAL_START)).append(", ").append(Identifiers.quote(INTERVAL_END)).append(")");
                try (Statement s = c.createStatement()) {
                    s.execute(ddl.toString());
                }
                changes.add("created " + target + " with " + shape.columns().size() + " columns");
            } else {
                List<String> ddl = plan(table, shape, metadata, policy, existing, qualified, plan, changes, history);
                try (Statement s = c.createStatement()) {
                    for (String statement : ddl) {
                        s.execute(statement);
                    }
                }
            }
            int version = recordHistory(c, target, history, runId);
            c.commit();
            return new RawSchema(version, plan, changes);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * What {@link #ensure} would do to the raw table, without doing it ({@code --dry-run}): the changes it would make,
     * or the same {@link IngestException} the run would stop with (a dropped column under {@code fail}, ...).
     */
    public static List<String> preview(Connection c, String table, Shape shape, List<Column> metadata, SchemaPolicy policy)
            throws SQLException {
        checkReserved(shape, metadata);
        Map<String, String> existing = columns(c, Catalog.RAW, table);
        List<String> changes = new ArrayList<>();
        if (existing.isEmpty()) {
            changes.add("create " + Catalog.RAW + "." + table + " with " + shape.columns().size() + " columns");
            return changes;
        }
        plan(table, shape, metadata, policy, existing, Identifiers.qualified(Catalog.RAW, table), new ArrayList<>(), changes,
                new ArrayList<>());
        return changes;
    }

    /**
     * Where each existing data column of the raw table would come from in a run against {@code shape} (same, cast or
     * NULL), in table order, without changing anything; empty when the raw table does not exist ({@code verify}).
     */
    public static List<RawSchema.Planned> planned(Connection c, String table, Shape shape, List<Column> metadata, SchemaPolicy policy)
            throws SQLException {
        Map<String, String> existing = columns(c, Catalog.RAW, table);
        if (existing.isEmpty()) {
            return List.of();
        }
        List<RawSchema.Planned> plan = new ArrayList<>();
        plan(table, shape, metadata, policy, existing, Identifiers.qualified(Catalog.RAW, table), plan, new ArrayList<>(), new ArrayList<>());
        return plan.stream().filter(p -> existing.containsKey(p.raw().name())).toList();
    }

    /** Decides the plan for an existing raw table; returns the DDL to run, runs nothing. */
    private static List<String> plan(String table, Shape shape, List<Column> metadata, SchemaPolicy policy,
                                     Map<String, String> existing, String qualified, List<RawSchema.Planned> plan,
                                     List<String> changes, List<String[]> history) {
        String target = Catalog.RAW + "." + table;
        List<String> metaNames = new ArrayList<>(metadata.stream().map(Column::name).toList());
        metaNames.add(INTERVAL_START);
        metaNames.add(INTERVAL_END);
        // Existing raw data columns, in table order: each is filled from the source, cast, or NULL.
        for (Map.Entry<String, String> e : existing.entrySet()) {
            if (metaNames.contains(e.getKey())) {
                continue;
            }
            Column raw = new Column(e.getKey(), e.getValue());
            Column src = shape.column(e.getKey());
            if (src == null) {
                if (policy == SchemaPolicy.FAIL) {
                    throw new IngestException(ErrorCode.SCHEMA, "column " + Identifiers.printable(e.getKey())
                            + " of " + target + " is gone from the source. Nothing was landed. To land NULL for it from now on, set "
                            + envKey(table) + "=null-fill; or drop the raw column if it is no longer wanted, then re-run.");
                }
                plan.add(new RawSchema.Planned(raw, RawSchema.Source.NULL));
            } else if (!src.type().equals(raw.type())) {
                if (policy != SchemaPolicy.CAST) {
                    throw new IngestException(ErrorCode.SCHEMA, "column " + Identifiers.printable(e.getKey()) + " of " + target
                            + " changed type in the source from " + raw.type() + " to " + src.type()
                            + ". Nothing was landed. To cast it to " + raw.type() + ", set " + envKey(table)
                            + "=cast; to take the new type, run ALTER TABLE " + qualified + " ALTER COLUMN "
                            + raw.quoted() + " TYPE " + src.type() + " and re-run.");
                }
                plan.add(new RawSchema.Planned(raw, RawSchema.Source.CAST));
            } else {
                plan.add(new RawSchema.Planned(raw, RawSchema.Source.SAME));
            }
        }
        List<String> ddl = new ArrayList<>();
        for (Column col : shape.columns()) {
            if (!existing.containsKey(col.name())) {
                ddl.add("ALTER TABLE " + qualified + " ADD COLUMN " + col.quoted() + " " + col.type());
                history.add(new String[] {"add_column", col.name(), col.type(), null});
                changes.add("added column " + col.name() + " " + col.type() + " to " + target);
                plan.add(new RawSchema.Planned(col, RawSchema.Source.SAME));
            }
        }
        for (Column m : metadata) {
            if (!existing.containsKey(m.name())) {
                ddl.add("ALTER TABLE " + qualified + " ADD COLUMN " + m.quoted() + " " + m.type());
            }
        }
        if (existing.size() + ddl.size() > MAX_TABLE_COLUMNS) {
            throw new IngestException(ErrorCode.SCHEMA, target + " would have " + (existing.size() + ddl.size())
                    + " columns, past PostgreSQL's limit of " + MAX_TABLE_COLUMNS + ". Nothing was landed and no column was added.");
        }
        return ddl;
    }

    private static void checkReserved(Shape shape, List<Column> metadata) {
        for (Column col : shape.columns()) {
            Identifiers.validate(col.name());
            if (SYSTEM_COLUMNS.contains(col.name())) {
                throw new IngestException(ErrorCode.SCHEMA, "the source has a column named " + col.name()
                        + ", which is a PostgreSQL system column; rename it in the source or exclude it");
            }
            if (col.name().equals(INTERVAL_START) || col.name().equals(INTERVAL_END)
                    || metadata.stream().anyMatch(m -> m.name().equals(col.name()))) {
                throw new IngestException(ErrorCode.SCHEMA, "the source has a column named " + col.name()
                        + ", which is reserved for landing metadata; rename it in the source or exclude it");
            }
        }
    }

    static String envKey(String table) {
        return "INGEST_SCHEMA_POLICY_" + table.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static int recordHistory(Connection c, String target, List<String[]> history, UUID runId) throws SQLException {
        int version;
        try (PreparedStatement q = c.prepareStatement("SELECT coalesce(max(version), 0) FROM _ingest.schema_history WHERE target = ?")) {
            q.setString(1, target);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                version = rs.getInt(1);
            }
        }
        if (history.isEmpty()) {
            return Math.max(version, 1);
        }
        version++;
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO _ingest.schema_history "
                + "(target, version, change, column_name, column_type, previous_type, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (String[] h : history) {
                ins.setString(1, target);
                ins.setInt(2, version);
                ins.setString(3, h[0]);
                ins.setString(4, h[1]);
                ins.setString(5, h[2]);
                ins.setString(6, h[3]);
                ins.setObject(7, runId);
                ins.addBatch();
            }
            ins.executeBatch();
        }
        return version;
    }

    /** Columns of a table in order, name to {@code format_type}; empty when the table does not exist. */
    public static Map<String, String> columns(Connection c, String schema, String table) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod)
                FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = ? AND t.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""")) {
            q.setString(1, schema);
            q.setString(2, table);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }
}
