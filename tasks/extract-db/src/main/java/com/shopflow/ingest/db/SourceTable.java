package com.shopflow.ingest.db;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.landing.Column;
import com.shopflow.ingest.core.landing.Shape;
import com.shopflow.ingest.core.pg.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** What the source catalog says about a configured table: its columns and whether the key is unique. */
public record SourceTable(TableSpec spec, List<SourceColumn> columns, boolean keyUnique) {
    /** PostgreSQL's first OID for user-defined objects: below it, the type is built in. */
    private static final long FIRST_NORMAL_OID = 16384;

    public static SourceTable describe(Connection c, TableSpec spec) throws SQLException {
        List<SourceColumn> cols = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.atttypid::bigint,
                       t.typtype, coalesce(et.oid, 0)::bigint
                FROM pg_attribute a
                JOIN pg_class r ON r.oid = a.attrelid JOIN pg_namespace n ON n.oid = r.relnamespace
                JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
                WHERE n.nspname = ? AND r.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""")) {
            q.setString(1, spec.schema());
            q.setString(2, spec.sourceTable());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    long oid = rs.getLong(3);
                    long elem = rs.getLong(5);
                    boolean builtin = oid < FIRST_NORMAL_OID && (elem == 0 || elem < FIRST_NORMAL_OID)
                            && !"d".equals(rs.getString(4)) && !"e".equals(rs.getString(4));
                    cols.add(new SourceColumn(rs.getString(1), rs.getString(2), oid, builtin));
                }
            }
        }
        if (cols.isEmpty()) {
            throw new IngestException(ErrorCode.CONFIG, "source table " + spec.schema() + "." + spec.sourceTable()
                    + " does not exist or has no columns visible to this user");
        }
        SourceTable t = new SourceTable(spec, List.copyOf(cols), keyIsUnique(c, spec));
        t.require(spec.key(), "key", List.of("smallint", "integer", "bigint", "text", "character varying", "uuid"));
        t.require(spec.cursor(), "cursor", List.of("timestamp with time zone", "timestamp without time zone"));
        return t;
    }

    private void require(String name, String role, List<String> types) {
        SourceColumn col = column(name);
        if (col == null) {
            throw new IngestException(ErrorCode.CONFIG, "the " + role + " column " + Identifiers.printable(name) + " is not a column of "
                    + spec.schema() + "." + spec.sourceTable());
        }
        String base = col.type().replaceAll("\\(.*\\)", "");
        if (!types.contains(base)) {
            throw new IngestException(ErrorCode.CONFIG, "the " + role + " column " + name + " has type " + col.type()
                    + "; supported: " + types);
        }
    }

    private static boolean keyIsUnique(Connection c, TableSpec spec) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT EXISTS (
                  SELECT 1 FROM pg_index i
                  JOIN pg_class r ON r.oid = i.indrelid JOIN pg_namespace n ON n.oid = r.relnamespace
                  JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = i.indkey[0]
                  WHERE n.nspname = ? AND r.relname = ? AND i.indisunique AND i.indnkeyatts = 1
                    AND i.indpred IS NULL AND a.attname = ?)""")) {
            q.setString(1, spec.schema());
            q.setString(2, spec.sourceTable());
            q.setString(3, spec.key());
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    public SourceColumn column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    /** The shape the raw table must have for this source. */
    public Shape shape() {
        return new Shape(columns.stream().map(c -> new Column(c.name(), c.rawType())).toList());
    }
}
