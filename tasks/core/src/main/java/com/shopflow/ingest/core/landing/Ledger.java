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
        Partition partition = new Partition(target, interval);
        // One round trip (a run of --every does this once per partition). The CTEs see the ledger as it was before
        // either UPDATE, as the three statements this replaces did: the last unfinished attempt since the last publish.
        try (PreparedStatement q = c.prepareStatement("""
                WITH earlier AS (
                  SELECT rows_resumed + rows_read AS seen FROM _ingest.load_run
                  WHERE\s""" + Partition.PREDICATE + """
                 AND run_id <> ? AND status <> 'succeeded'
                    AND started_at > coalesce((SELECT published_at FROM _ingest.partition p
                                               WHERE p.target = ? AND p.interval_start = ? AND p.interval_end = ?), '-infinity')
                  ORDER BY started_at DESC LIMIT 1),
                abandoned AS (
                  UPDATE _ingest.load_run SET status = 'failed', ended_at = coalesce(ended_at, heartbeat_at),
                         error_code = coalesce(error_code, 'ABANDONED'),
                         error = coalesce(error, 'the attempt stopped without reporting (killed?); a later attempt took over')
                  WHERE\s""" + Partition.PREDICATE + """
                 AND status = 'running' AND run_id <> ?
                  RETURNING 1)
                UPDATE _ingest.load_run SET rows_resumed = ?,
                       rows_reread = greatest(0, coalesce((SELECT seen FROM earlier), 0) - ?)
                WHERE run_id = ? RETURNING rows_reread, (SELECT count(*) FROM abandoned)""")) {
            int i = partition.bind(q, 1);
            q.setObject(i++, runId);
            i = partition.bind(q, i);
            i = partition.bind(q, i);
            q.setObject(i++, runId);
            q.setLong(i++, rowsResumed);
            q.setLong(i++, rowsResumed);
            q.setObject(i, runId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    static void published(Connection c, UUID runId, String target, Interval interval, String partitionTable, long rows,
                          long removed, int schemaVersion, String watermark, long rowsRead, long rowsResumed) throws SQLException {
        // One round trip for the ledger row, the partition index and the checkpoint's removal (once per partition of a
        // --every run). A data-modifying CTE runs whether or not the statement reads it.
        try (PreparedStatement up = c.prepareStatement("""
                WITH staged AS (DELETE FROM _ingest.checkpoint WHERE\s""" + Partition.PREDICATE + """
                ),
                attempt AS (
                  UPDATE _ingest.load_run SET status = 'succeeded', ended_at = clock_timestamp(), heartbeat_at = clock_timestamp(),
                         rows_landed = ?, duplicates_removed = ?, schema_version = ?, source_watermark = ?, rows_read = ?
                  WHERE run_id = ? RETURNING run_id)
                INSERT INTO _ingest.partition (target, interval_start, interval_end, partition_table, rows, run_id, schema_version,
                                               source_watermark, published_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())
                ON CONFLICT (target, interval_start, interval_end) DO UPDATE SET partition_table = excluded.partition_table,
                  rows = excluded.rows, run_id = excluded.run_id, schema_version = excluded.schema_version,
                  source_watermark = excluded.source_watermark, published_at = excluded.published_at""")) {
            int i = new Partition(target, interval).bind(up, 1);
            up.setLong(i++, rows);
            up.setLong(i++, removed);
            up.setInt(i++, schemaVersion);
            up.setString(i++, watermark);
            up.setLong(i++, rowsRead);
            up.setObject(i++, runId);
            up.setString(i++, target);
            up.setTimestamp(i++, Timestamp.from(interval.start()));
            up.setTimestamp(i++, Timestamp.from(interval.end()));
            up.setString(i++, partitionTable);
            up.setLong(i++, rows);
            up.setObject(i++, runId);
            up.setInt(i++, schemaVersion);
            up.setString(i, watermark);
            up.executeUpdate();
        }
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
