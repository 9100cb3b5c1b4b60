package com.shopflow.ingest.files;

import com.shopflow.ingest.core.cli.RebuildCurrentCommand;
import com.shopflow.ingest.core.current.CurrentTable;
import picocli.CommandLine.Command;

/**
 * {@code land-files rebuild-current --table marketplace_orders}: a feed is keyed by {@code order_ref}; its rows have no
 * cursor the task trusts, so the latest interval (the last day that delivered the order) wins.
 */
@Command(name = "rebuild-current", mixinStandardHelpOptions = true,
        description = "Recreates raw_current.<table> (the latest version of each key) from all partitions of raw.<table>, in one transaction.")
public class RebuildCurrent extends RebuildCurrentCommand {
    static CurrentTable of(String feed) {
        return new CurrentTable(feed, Header.KEY, null);
    }

    @Override
    protected CurrentTable defaults(String table) {
        return LandFilesCommand.FEED.equals(table) ? of(table) : null;
    }
}
