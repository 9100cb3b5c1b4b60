package com.shopflow.ingest.core.verify;

import com.shopflow.ingest.core.Failures;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One side of a comparison, as SQL its own database runs: {@code rows} is a SELECT of the interval's rows, one per
 * key, with the columns {@code _k} (the key, of {@code keyType}), {@code _c} (the cursor) and {@code _r} (the canonical
 * text of the compared values, {@code row(...)::text}); {@code lookup} is a SELECT of {@code _k, _c} over all rows of
 * the relation, whatever their interval (to say where a row moved), or null.
 *
 * @param side which database it is, to classify its failures ({@code Failures.classify})
 */
public record RowSet(Failures.Side side, Connection connection, String rows, String lookup, KeyType keyType) {

    /** How keys are ordered: as their type, text byte-wise ({@code COLLATE "C"}) so both databases agree. */
    public enum KeyType {
        SMALLINT("smallint"), INTEGER("integer"), BIGINT("bigint"), TEXT("text"), UUID("uuid");

        private final String sql;

        KeyType(String sql) {
            this.sql = sql;
        }

        public String sql() {
            return sql;
        }

        /** {@code format_type} of a key column, without a length ({@code character varying(20)} is text). */
        public static KeyType of(String formatType) {
            String base = formatType.replaceAll("\\(.*\\)", "").trim();
            return switch (base) {
                case "smallint" -> SMALLINT;
                case "integer" -> INTEGER;
                case "bigint" -> BIGINT;
                case "uuid" -> UUID;
                default -> TEXT;
            };
        }

        /** The key of alias {@code x} as compared and ordered. */
        String key(String alias) {
            return this == TEXT ? "(" + alias + "._k::text COLLATE \"C\")" : alias + "._k";
        }

        /** A text array parameter as an array of keys. */
        String array(String parameter) {
            return this == TEXT ? "(" + parameter + "::text[])" : "(" + parameter + "::text[]::" + sql + "[])";
        }
    }

    /**
     * Fixes every setting that changes the text of a value (time zone, date and interval styles, float digits, bytea),
     * so both databases write the same text for the same value.
     */
    public static void canonical(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; "
                    + "SET extra_float_digits = 1; SET bytea_output = 'hex'");
        }
    }
}
