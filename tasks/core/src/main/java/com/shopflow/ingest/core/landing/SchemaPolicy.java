package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import java.util.Locale;
import java.util.Map;

/**
 * What a raw table does when its source changes shape. Added columns always land (the raw column is
 * added, older partitions read NULL). The policy decides the rest:
 * <ul>
 *   <li>{@code fail} (default): a dropped source column or a changed type stops the run, naming the column
 *       and the way out. Nothing is published.</li>
 *   <li>{@code null-fill}: a dropped source column lands as NULL; a changed type still fails.</li>
 *   <li>{@code cast}: dropped columns land as NULL and a changed type is cast to the raw column's type
 *       (a value that does not cast fails the run).</li>
 * </ul>
 */
public enum SchemaPolicy {
    FAIL, NULL_FILL, CAST;

    public static SchemaPolicy parse(String value) {
        if (value == null || value.isBlank()) {
            return FAIL;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "fail" -> FAIL;
            case "null-fill", "null_fill" -> NULL_FILL;
            case "cast" -> CAST;
            default -> throw new IngestException(ErrorCode.CONFIG,
                    "schema policy '" + value + "' is unknown: use fail, null-fill or cast");
        };
    }

    /**
     * The policy for {@code table}: environment {@code INGEST_SCHEMA_POLICY_<TABLE>} first, then the
     * configuration map {@code ingest.landing.schema-policy.<table>}, then {@code fail}.
     */
    public static SchemaPolicy forTable(String table, Map<String, String> configured, Map<String, String> env) {
        String key = "INGEST_SCHEMA_POLICY_" + table.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        String v = env.get(key);
        if (v == null && configured != null) {
            v = configured.get(table);
        }
        return parse(v);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
