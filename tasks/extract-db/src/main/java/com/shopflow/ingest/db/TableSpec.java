package com.shopflow.ingest.db;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import java.util.Map;
import java.util.TreeSet;

/** One configured source table: where it is, its key and its cursor column. The raw table has the same name. */
public record TableSpec(String name, String schema, String sourceTable, String key, String cursor) {

    public static TableSpec lookup(DbTables config, String name) {
        Map<String, DbTables.Table> tables = config.tables();
        DbTables.Table t = tables.get(name);
        if (t == null) {
            throw new IngestException(ErrorCode.USAGE, "unknown table '" + name + "': configured tables are "
                    + new TreeSet<>(tables.keySet()));
        }
        return new TableSpec(name, t.schema(), t.sourceTable().orElse(name), t.key(), t.cursor());
    }
}
