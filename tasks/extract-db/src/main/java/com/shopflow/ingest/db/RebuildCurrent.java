package com.shopflow.ingest.db;

import com.shopflow.ingest.core.cli.RebuildCurrentCommand;
import com.shopflow.ingest.core.current.CurrentTable;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;

/** {@code extract-db rebuild-current}: the key and cursor of a configured table are known. */
@Command(name = "rebuild-current", mixinStandardHelpOptions = true,
        description = "Recreates raw_current.<table> (the latest version of each key) from all partitions of raw.<table>, in one transaction.")
public class RebuildCurrent extends RebuildCurrentCommand {
    @Inject
    DbTables tables;

    @Override
    protected CurrentTable defaults(String table) {
        DbTables.Table t = tables.tables().get(table);
        return t == null ? null : new CurrentTable(table, t.key(), t.cursor());
    }
}
