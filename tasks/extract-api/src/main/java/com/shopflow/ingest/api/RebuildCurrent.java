package com.shopflow.ingest.api;

import com.shopflow.ingest.core.cli.RebuildCurrentCommand;
import com.shopflow.ingest.core.current.CurrentTable;
import picocli.CommandLine.Command;

/** {@code extract-api rebuild-current --table products}: products are keyed by id, latest updated_at wins. */
@Command(name = "rebuild-current", mixinStandardHelpOptions = true,
        description = "Recreates raw_current.<table> (the latest version of each key) from all partitions of raw.<table>, in one transaction.")
public class RebuildCurrent extends RebuildCurrentCommand {
    static final CurrentTable PRODUCTS = new CurrentTable("products", "id", "updated_at");

    @Override
    protected CurrentTable defaults(String table) {
        return PRODUCTS.table().equals(table) ? PRODUCTS : null;
    }
}
