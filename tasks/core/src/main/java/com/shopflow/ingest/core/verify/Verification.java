package com.shopflow.ingest.core.verify;

import com.shopflow.ingest.core.landing.Partition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.UUID;

/**
 * One run of {@code verify}, as {@code _ingest.verification} keeps it: which partition (and which landing of it) was
 * compared with its source, how, and what was found.
 *
 * @param method             how it was compared, e.g. {@code count+checksum of 5 columns, bisect on id}
 * @param partitionRunId     the run that published the partition compared (null when unknown)
 * @param columnsNotCompared raw columns left out, each with why (added after the landing, gone from the source)
 */
public record Verification(UUID id, String task, Partition partition, String method, UUID partitionRunId, String orchestratorRunId,
                           DiffReport report, List<String> columnsNotCompared, long durationMillis) {
    public Verification {
        columnsNotCompared = List.copyOf(columnsNotCompared);
    }

    public String outcome() {
        return report.equal() ? "equal" : "different";
    }

    /** Writes the row (autocommit). */
    public void record(Connection warehouse) throws SQLException {
        try (PreparedStatement ps = warehouse.prepareStatement("""
                INSERT INTO _ingest.verification (verification_id, task, target, interval_start, interval_end, outcome, method,
                  partition_run_id, orchestrator_run_id, source_rows, landed_rows, missing, extra, different, columns_not_compared,
                  duration_ms, report)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""")) {
            ps.setObject(1, id);
            ps.setString(2, task);
            ps.setString(3, partition.target());
            ps.setTimestamp(4, Timestamp.from(partition.interval().start()));
            ps.setTimestamp(5, Timestamp.from(partition.interval().end()));
            ps.setString(6, outcome());
            ps.setString(7, method);
            ps.setObject(8, partitionRunId);
            ps.setString(9, orchestratorRunId);
            ps.setLong(10, report.sourceRows());
            ps.setLong(11, report.landedRows());
            ps.setLong(12, report.count(DiffReport.Kind.MISSING));
            ps.setLong(13, report.count(DiffReport.Kind.EXTRA));
            ps.setLong(14, report.count(DiffReport.Kind.DIFFERENT));
            ps.setArray(15, warehouse.createArrayOf("text", columnsNotCompared.toArray()));
            ps.setLong(16, durationMillis);
            ps.setString(17, report.toJson().toString());
            ps.executeUpdate();
        }
    }

    /** The published partition as {@code _ingest.partition} lists it: its run and schema version; null when not published. */
    public record Published(UUID runId, int schemaVersion, java.time.Instant publishedAt, long rows) {
        public static Published of(Connection warehouse, Partition partition) throws SQLException {
            try (PreparedStatement ps = warehouse.prepareStatement("SELECT run_id, schema_version, published_at, rows FROM _ingest.partition WHERE "
                    + Partition.PREDICATE)) {
                partition.bind(ps, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Published(rs.getObject(1, UUID.class), rs.getInt(2), rs.getTimestamp(3).toInstant(), rs.getLong(4)) : null;
                }
            }
        }
    }

    /**
     * Raw columns added to the table after the partition was landed (schema history versions after the partition's):
     * the partition reads NULL for them where the source now has values, so they are not compared.
     */
    public static List<String> addedSince(Connection warehouse, String target, int schemaVersion) throws SQLException {
        try (PreparedStatement ps = warehouse.prepareStatement("SELECT column_name FROM _ingest.schema_history WHERE target = ? AND version > ?"
                + " AND change = 'add_column' ORDER BY version, column_name")) {
            ps.setString(1, target);
            ps.setInt(2, schemaVersion);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new java.util.ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        }
    }
}
