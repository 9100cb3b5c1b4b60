package com.shopflow.ingest.db;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.cli.RunSummary;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.landing.Partition;
import com.shopflow.ingest.core.landing.RawTable;
import com.shopflow.ingest.core.landing.SchemaPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/** {@code --dry-run}: connects to both sides, validates, and says what a run would land, writing nothing. */
final class DryRun {
    private DryRun() {
    }

    static RunSummary report(SourceSession source, SourceTable table, DbSettings warehouse, Interval interval,
                            Map<String, String> schemaPolicies) throws Exception {
        SourceQuery q = new SourceQuery(table, null, interval);
        long rows;
        try (Statement s = source.connection().createStatement(); ResultSet rs = s.executeQuery(q.countSql())) {
            rs.next();
            rows = rs.getLong(1);
        }
        RunSummary summary = new RunSummary("extract-db", "raw." + table.spec().name(), interval).put("rows_in_source", rows);
        try (Connection c = warehouse.connect("shopflow-ingest/extract-db-dry-run")) {
            // The run's own schema decision, without its DDL: a change the policy refuses fails here as it would there.
            List<String> changes = RawTable.preview(c, table.spec().name(), table.shape(), List.of(),
                    SchemaPolicy.forTable(table.spec().name(), schemaPolicies, System.getenv()));
            summary.put("schema_changes", String.join("; ", changes));
            summary.put("partition_present", partitionPresent(c, "raw." + table.spec().name(), interval));
        } catch (SQLException e) {
            throw Failures.fromDatabase("warehouse", ErrorCode.WAREHOUSE_UNAVAILABLE, e);
        }
        return summary;
    }

    private static boolean partitionPresent(Connection c, String target, Interval interval) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('_ingest.partition') IS NOT NULL")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return false;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM _ingest.partition WHERE " + Partition.PREDICATE)) {
            new Partition(target, interval).bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

}
