package com.shopflow.ingest.core.cli;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.config.IngestConfig;
import com.shopflow.ingest.core.landing.Catalog;
import io.smallrye.config.SmallRyeConfig;
import org.eclipse.microprofile.config.ConfigProvider;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code <task> inspect --table orders}: the state of a raw table's partitions from the ledger, without SQL:
 * intervals landed, rows, attempts, last status and error, schema changes, quarantined rows.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Prints the partitions of a raw table from the load ledger: rows, attempts, last status, schema changes, quarantine.")
public class InspectCommand implements Callable<Integer> {
    @Option(names = "--table", required = true, paramLabel = "<table>", description = "Raw table, e.g. orders or raw.orders")
    String table;

    @Option(names = "--limit", defaultValue = "30", description = "Most recent intervals to show (default ${DEFAULT-VALUE})")
    int limit;

    /** Looked up rather than injected: this command lives in a library module, outside the apps' bean index. */
    private static IngestConfig config() {
        return ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(IngestConfig.class);
    }

    @Override
    public Integer call() {
        String target = table.startsWith("raw.") ? table : "raw." + table;
        PrintStream out = System.out;
        try (Connection c = DbSettings.warehouse(config()).connect("shopflow-ingest/inspect")) {
            if (!exists(c)) {
                out.println("nothing landed yet: the warehouse has no _ingest schema");
                return 0;
            }
            int version = Catalog.installedVersion(c);
            out.println("Bookkeeping schema _ingest: version " + version + (version < Catalog.VERSION
                    ? " (this build migrates it to " + Catalog.VERSION + " on its next run)" : version > Catalog.VERSION
                    ? " (newer than this build's " + Catalog.VERSION + ")" : ""));
            out.println("Partitions of " + target + " (most recent " + limit + " intervals)");
            boolean verifications = Verifications.present(c);
            out.printf("%-25s %-25s %10s %8s %-10s %11s %-20s %-32s %s%n", "interval_start", "interval_end", "rows", "attempts", "last",
                    "quarantined", "published_at", "last verified", "last error");
            try (PreparedStatement ps = c.prepareStatement("""
                    WITH runs AS (
                      SELECT interval_start, interval_end, count(*) AS attempts,
                             (array_agg(status ORDER BY started_at DESC))[1] AS last_status,
                             (array_agg(error ORDER BY started_at DESC))[1] AS last_error
                      FROM _ingest.load_run WHERE target = ? GROUP BY 1, 2)
                    SELECT r.interval_start, r.interval_end, p.rows, r.attempts, r.last_status,
                           (SELECT count(*) FROM _ingest.quarantine q WHERE q.target = ? AND q.interval_start = r.interval_start
                              AND q.interval_end = r.interval_end) AS quarantined,
                           p.published_at, r.last_error
                    FROM runs r LEFT JOIN _ingest.partition p ON p.target = ? AND p.interval_start = r.interval_start
                      AND p.interval_end = r.interval_end
                    ORDER BY r.interval_start DESC, r.interval_end DESC LIMIT ?""")) {
                ps.setString(1, target);
                ps.setString(2, target);
                ps.setString(3, target);
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String err = rs.getString(8);
                        out.printf("%-25s %-25s %10s %8d %-10s %11d %-20s %-32s %s%n", rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant(),
                                rs.getObject(3) == null ? "-" : rs.getLong(3), rs.getInt(4), rs.getString(5), rs.getLong(6),
                                rs.getTimestamp(7) == null ? "not published" : rs.getTimestamp(7).toInstant().toString().substring(0, 19),
                                verifications ? Verifications.last(c, target, rs.getTimestamp(1), rs.getTimestamp(2)) : "never",
                                "failed".equals(rs.getString(5)) && err != null ? err.lines().findFirst().orElse("") : "");
                    }
                }
            }
            out.println();
            out.println("Schema history of " + target);
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT version, change, column_name, column_type, changed_at FROM _ingest.schema_history
                    WHERE target = ? AND change <> 'create' ORDER BY version, column_name""")) {
                ps.setString(1, target);
                try (ResultSet rs = ps.executeQuery()) {
                    boolean any = false;
                    while (rs.next()) {
                        any = true;
                        out.printf("  v%d %s %s %s at %s%n", rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getTimestamp(5).toInstant());
                    }
                    if (!any) {
                        out.println("  no changes since the table was created");
                    }
                }
            }
            return 0;
        } catch (IngestException e) {
            System.err.println("inspect failed: " + e.getMessage());
            return e.code().exitCode();
        } catch (SQLException e) {
            IngestException ie = Failures.fromDatabase("warehouse", ErrorCode.WAREHOUSE_UNAVAILABLE, e);
            System.err.println("inspect failed: " + ie.getMessage());
            return ie.code().exitCode();
        }
    }

    private static boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('_ingest.load_run') IS NOT NULL"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
