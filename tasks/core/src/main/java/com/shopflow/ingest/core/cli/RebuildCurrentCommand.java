package com.shopflow.ingest.core.cli;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.config.IngestConfig;
import com.shopflow.ingest.core.current.CurrentTable;
import com.shopflow.ingest.core.landing.Catalog;
import com.shopflow.ingest.core.pg.Identifiers;
import io.smallrye.config.SmallRyeConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code <task> rebuild-current --table orders}: recreates {@code raw_current.<table>} from all partitions of the raw
 * table, in one transaction (first deployment on a table landed before, or after a manual change). The key and cursor
 * are the ones the table was last built with, else the task's ({@link #defaults}), else {@code --key}/{@code --cursor}.
 */
@Command(name = "rebuild-current", mixinStandardHelpOptions = true,
        description = "Recreates raw_current.<table> (the latest version of each key) from all partitions of raw.<table>, in one transaction.")
public class RebuildCurrentCommand implements Callable<Integer> {
    @Option(names = "--table", required = true, paramLabel = "<table>", description = "Raw table, e.g. orders")
    String table;

    @Option(names = "--key", paramLabel = "<column>", description = "Key column (default: as last built, or the task's)")
    String key;

    @Option(names = "--cursor", paramLabel = "<column>", description = "Cursor column, latest wins (default: as last built, or the task's)")
    String cursor;

    /** The task's key and cursor of {@code table}, or null when it does not know the table. */
    protected CurrentTable defaults(String table) {
        return null;
    }

    private static IngestConfig config() {
        return ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(IngestConfig.class);
    }

    @Override
    public Integer call() {
        String name = table.startsWith(Catalog.RAW + ".") ? table.substring(Catalog.RAW.length() + 1) : table;
        DbSettings warehouse = DbSettings.warehouse(config());
        try (Connection c = warehouse.connect("shopflow-ingest/rebuild-current")) {
            Identifiers.validate(name);
            Catalog.ensure(warehouse, c);
            CurrentTable spec = key != null ? new CurrentTable(name, key, cursor) : CurrentTable.recorded(c, name);
            if (spec == null) {
                spec = defaults(name);
            }
            if (spec == null) {
                throw new IngestException(ErrorCode.USAGE, "raw_current." + name + " was never built and this task does not know "
                        + Identifiers.printable(name) + ": give --key (and --cursor)");
            }
            long t0 = System.nanoTime();
            long keys = spec.rebuild(c);
            System.out.printf("rebuilt raw_current.%s from all partitions of raw.%s: %d keys in %d ms (key %s, cursor %s)%n", name, name, keys,
                    (System.nanoTime() - t0) / 1_000_000, spec.key(), spec.cursor() == null ? "none: the interval decides" : spec.cursor());
            return 0;
        } catch (IngestException e) {
            System.err.println("rebuild-current failed: " + e.getMessage());
            return e.code().exitCode();
        } catch (SQLException e) {
            IngestException ie = Failures.classify(Failures.Side.WAREHOUSE, e);
            System.err.println("rebuild-current failed: " + ie.getMessage());
            return ie.code().exitCode();
        }
    }
}
