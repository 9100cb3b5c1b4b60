package com.shopflow.ingest.db;

import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.landing.RawSchema;
import com.shopflow.ingest.core.landing.RawTable;
import com.shopflow.ingest.core.pg.Identifiers;
import java.util.List;
import java.util.StringJoiner;

/**
 * Builds the per-chunk COPY of the source: the raw columns in raw-table order (cast or NULL where the schema
 * policy says so), the interval as two constant columns, the rows whose cursor is in the interval and after the
 * keyset position, ordered by (cursor, key), at most {@code limit} of them.
 */
record SourceQuery(SourceTable table, RawSchema schema, Interval interval) {

    /** Columns the COPY stream carries, in order: the staging COPY's column list. */
    List<String> streamColumns() {
        List<String> cols = new java.util.ArrayList<>(schema.names());
        cols.add(RawTable.INTERVAL_START);
        cols.add(RawTable.INTERVAL_END);
        return cols;
    }

    int fieldIndex(String column) {
        return schema.names().indexOf(column);
    }

    boolean cursorWithTimeZone() {
        return table.column(table.spec().cursor()).type().equals("timestamp with time zone");
    }

    String keyType() {
        return table.column(table.spec().key()).type().replaceAll("\\(.*\\)", "");
    }

    boolean numericKey() {
        return List.of("smallint", "integer", "bigint").contains(keyType());
    }

    /** The value of raw column {@code p} as the landing takes it from the source: as is, as text, cast, or NULL. */
    String value(RawSchema.Planned p) {
        String name = p.raw().quoted();
        SourceColumn src = table.column(p.raw().name());
        return switch (p.source()) {
            case SAME -> src != null && !src.builtin() ? name + "::text" : name;
            case CAST -> name + "::" + p.raw().type();
            case NULL -> "NULL::" + p.raw().type();
        };
    }

    /** The predicate of the interval on the source's cursor (the cursor's index serves it). */
    String intervalWhere() {
        boolean tz = cursorWithTimeZone();
        String cursor = Identifiers.quote(table.spec().cursor());
        return cursor + " >= " + bound(Identifiers.literal(interval.start().toString()) + "::timestamptz", tz) + " AND " + cursor + " < "
                + bound(Identifiers.literal(interval.end().toString()) + "::timestamptz", tz);
    }

    String copySql(KeysetPosition after, int limit) {
        TableSpec spec = table.spec();
        StringJoiner select = new StringJoiner(", ");
        for (RawSchema.Planned p : schema.columns()) {
            select.add(value(p));
        }
        String cursor = Identifiers.quote(spec.cursor());
        String key = Identifiers.quote(spec.key());
        boolean tz = cursorWithTimeZone();
        String start = Identifiers.literal(interval.start().toString()) + "::timestamptz";
        String end = Identifiers.literal(interval.end().toString()) + "::timestamptz";
        select.add(start).add(end);
        StringBuilder where = new StringBuilder();
        if (after == null) {
            where.append(cursor).append(" >= ").append(bound(start, tz));
        } else {
            // Lets the index on the cursor start at the position; the OR settles ties on the cursor by key.
            String c = after.cursorLiteral(tz);
            where.append(cursor).append(" >= ").append(c).append(" AND (").append(cursor).append(" > ").append(c)
                    .append(" OR ").append(key).append(" > ").append(after.keyLiteral()).append(")");
        }
        where.append(" AND ").append(cursor).append(" < ").append(bound(end, tz));
        return "COPY (SELECT " + select + " FROM " + Identifiers.qualified(spec.schema(), spec.sourceTable()) + " WHERE " + where
                + " ORDER BY " + cursor + ", " + key + " LIMIT " + limit + ") TO STDOUT (FORMAT binary)";
    }

    /** Interval bounds are instants; a cursor without time zone is compared in UTC (the session runs in UTC). */
    private static String bound(String timestamptzLiteral, boolean tz) {
        return tz ? timestamptzLiteral : "(" + timestamptzLiteral + " AT TIME ZONE 'UTC')";
    }

    String countSql() {
        TableSpec spec = table.spec();
        return "SELECT count(*) FROM " + Identifiers.qualified(spec.schema(), spec.sourceTable()) + " WHERE " + intervalWhere();
    }

    /**
     * The rows whose cursor places them in no interval (NULL, or {@code infinity}/{@code -infinity} for a date or
     * timestamp cursor): no run ever lands them. The predicate uses the cursor's index (IS NULL and equality).
     */
    String noIntervalWhere() {
        String cursor = Identifiers.quote(table.spec().cursor());
        String type = table.column(table.spec().cursor()).type();
        boolean infinite = type.startsWith("timestamp") || type.equals("date");
        return cursor + " IS NULL" + (infinite ? " OR " + cursor + " = 'infinity' OR " + cursor + " = '-infinity'" : "");
    }

    String noIntervalCountSql() {
        TableSpec spec = table.spec();
        return "SELECT count(*) FROM " + Identifiers.qualified(spec.schema(), spec.sourceTable()) + " WHERE " + noIntervalWhere();
    }
}
