package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.config.DbSettings;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.UUID;
import org.jboss.logging.Logger;

/** The load ledger, {@code _ingest.load_run}: one row per attempt, the only home of attempt numbers and wall-clock times. */
final class Ledger {
    private static final Logger LOG = Logger.getLogger(Ledger.class);

    private Ledger() {
    }

    /** Opens the attempt; returns its number for this partition (1 for the first ever). */
    static int begin(Connection c, UUID runId, Landing.Request r, String target, int schemaVersion) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO _ingest.load_run (run_id, task, target, interval_start, interval_end, attempt, orchestrator_run_id,
                                              host, status, schema_version)
                SELECT ?, ?, ?, ?, ?, 1 + count(*), ?, ?, 'running', ?
                FROM _ingest.load_run WHERE\s""" + Partition.PREDICATE + " RETURNING attempt")) {
            ps.setObject(1, runId);
            ps.setString(2, r.task());
            ps.setString(3, target);
            ps.setTimestamp(4, Timestamp.from(r.interval().start()));
            ps.setTimestamp(5, Timestamp.from(r.interval().end()));
            ps.setString(6, r.orchestratorRunId());
            ps.setString(7, hostName());
            ps.setInt(8, schemaVersion);
            new Partition(target, r.interval()).bind(ps, 9);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Records how much this attempt takes over from the checkpoint and how many rows an earlier attempt had
     * read past it (and which are now read again). Earlier attempts still marked running are dead: the
     * partition lock is ours, so they are marked failed.
     */
    static long resumed(Connection c, UUID runId, String target, Interval interval, long rowsResumed) throws SQLException {
        long reread = 0;
        Partition partition = new Partition(target, interval);
        try (PreparedStatement q = c.prepareStatement("""
                SELECT rows_resumed + rows_read FROM _ingest.load_run
                WHERE\s""" + Partition.PREDICATE + """
                 AND run_id <> ? AND status <> 'succeeded'
                  AND started_at > coalesce((SELECT published_at FROM _ingest.partition p
                                             WHERE p.target = ? AND p.interval_start = ? AND p.interval_end = ?), '-infinity')
                ORDER BY started_at DESC LIMIT 1""")) {
            q.setObject(partition.bind(q, 1), runId);
            q.setString(5, target);
            q.setTimestamp(6, Timestamp.from(interval.start()));
            q.setTimestamp(7, Timestamp.from(interval.end()));
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    reread = Math.max(0, rs.getLong(1) - rowsResumed);
                }
            }
        }
        try (PreparedStatement up = c.prepareStatement("""
                UPDATE _ingest.load_run SET status = 'failed', ended_at = coalesce(ended_at, heartbeat_at),
                       error_code = coalesce(error_code, 'ABANDONED'),
                       error = coalesce(error, 'the attempt stopped without reporting (killed?); a later attempt took over')
                WHERE\s""" + Partition.PREDICATE + " AND status = 'running' AND run_id <> ?")) {
            up.setObject(partition.bind(up, 1), runId);
            up.executeUpdate();
        }
        try (PreparedStatement up = c.prepareStatement("UPDATE _ingest.load_run SET rows_resumed = ?, rows_reread = ? WHERE run_id = ?")) {
            up.setLong(1, rowsResumed);
            up.setLong(2, reread);
            up.setObject(3, runId);
            up.executeUpdate();
        }
        return reread;
    }

    static void published(Connection c, UUID runId, String target, Interval interval, String partitionTable, long rows,
                          long removed, int schemaVersion, String watermark, long rowsRead, long rowsResumed) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("""
                UPDATE _ingest.load_run SET status = 'succeeded', ended_at = clock_timestamp(), heartbeat_at = clock_timestamp(),
                       rows_landed = ?, duplicates_removed = ?, schema_version = ?, source_watermark = ?, rows_read = ?
                WHERE run_id = ?""")) {
            up.setLong(1, rows);
            up.setLong(2, removed);
            up.setInt(3, schemaVersion);
            up.setString(4, watermark);
            up.setLong(5, rowsRead);
            up.setObject(6, runId);
            up.executeUpdate();
        }
        try (PreparedStatement up = c.prepareStatement("""
                INSERT INTO _ingest.partition (target, interval_start, interval_end, partition_table, rows, run_id, schema_version,
                                               source_watermark, published_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())
                ON CONFLICT (target, interval_start, interval_end) DO UPDATE SET partition_table = excluded.partition_table,
                  rows = excluded.rows, run_id = excluded.run_id, schema_version = excluded.schema_version,
                  source_watermark = excluded.source_watermark, published_at = excluded.published_at""")) {
            up.setString(1, target);
            up.setTimestamp(2, Timestamp.from(interval.start()));
            up.setTimestamp(3, Timestamp.from(interval.end()));
            up.setString(4, partitionTable);
            up.setLong(5, rows);
            up.setObject(6, runId);
            up.setInt(7, schemaVersion);
            up.setString(8, watermark);
            up.executeUpdate();
        }
        new CheckpointStore(new Partition(target, interval)).delete(c);
    }

    /** Best effort, on a fresh connection: the run's own connection may be what broke. */
    static void failed(DbSettings warehouse, UUID runId, IngestException e, long rowsRead) {
        try (Connection c = warehouse.connect("shopflow-ingest/ledger");
             PreparedStatement up = c.prepareStatement("""
                     UPDATE _ingest.load_run SET status = 'failed', ended_at = clock_timestamp(), error_code = ?, error = ?, rows_read = ?
                     WHERE run_id = ? AND status = 'running'""")) {
            up.setString(1, e.code().name());
            up.setString(2, e.getMessage());
            up.setLong(3, rowsRead);
            up.setObject(4, runId);
            up.executeUpdate();
        } catch (SQLException | RuntimeException ex) {
            LOG.warnf("could not record the failure in _ingest.load_run: %s", ex.getMessage());
        }
    }

    static String hostName() {
        String pod = System.getenv("HOSTNAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
