package com.shopflow.ingest.db;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/**
 * The source tables extract-db knows: a table is configuration, not code. The three ShopFlow tables are
 * configured in application.properties; another is added with, e.g.,
 * {@code INGEST_DB_TABLES__REFUNDS__KEY=id} or {@code ingest.db.tables.refunds.key=id} in a config file.
 */
@ConfigMapping(prefix = "ingest.db")
public interface DbTables {

    Map<String, Table> tables();

    /** Read every chunk of a run under one REPEATABLE READ snapshot (so no row can be read twice). */
    @WithDefault("true")
    boolean singleSnapshot();

    interface Table {
        /** Source schema. */
        @WithDefault("public")
        String schema();

        /** Source table name; defaults to the configured name. */
        Optional<String> sourceTable();

        /** The key: one row per key in a partition. */
        @WithDefault("id")
        String key();

        /** The incremental cursor: rows whose cursor is in [start, end) form the partition. */
        @WithDefault("updated_at")
        String cursor();
    }
}
