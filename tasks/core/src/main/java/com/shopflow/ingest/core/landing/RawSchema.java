package com.shopflow.ingest.core.landing;

import java.util.List;

/**
 * The raw table as this run must fill it: every data column of the raw table, each with where its value
 * comes from in this run's source shape.
 *
 * @param version schema version after this run's changes (see {@code _ingest.schema_history})
 * @param columns raw data columns in table order
 * @param changes human-readable changes this run made ("added column discount numeric(12,2)")
 */
public record RawSchema(int version, List<Planned> columns, List<String> changes) {

    public enum Source { SAME, CAST, NULL }

    /** One raw column: filled from the source column of the same name, cast to the raw type, or NULL. */
    public record Planned(Column raw, Source source) {
    }

    public List<String> names() {
        return columns.stream().map(p -> p.raw().name()).toList();
    }
}
