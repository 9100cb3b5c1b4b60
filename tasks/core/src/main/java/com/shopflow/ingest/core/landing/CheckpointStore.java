package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * The partition's row of {@code _ingest.checkpoint}: how far staging got, committed with the rows it covers, and the
 * last value this run saw of it. Every move is fenced on the chunk before it, so two runs never both advance it.
 */
final class CheckpointStore {
    private static final Logger LOG = Logger.getLogger(CheckpointStore.class);

    private final Partition partition;
    private volatile Checkpoint current = Checkpoint.START;

    CheckpointStore(Partition partition) {
        this.partition = partition;
    }

    /** The last durable checkpoint this run knows of. */
    Checkpoint current() {
        return current;
    }

    void reached(Checkpoint c) {
        current = c;
    }

    /** The staged checkpoint if its staging table exists and was read under {@code fingerprint}; else null. */
    Checkpoint resumable(Connection c, String fingerprint) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT c.position::text, c.rows_staged, c.chunks, c.snapshots, c.fingerprint = ?,
                       to_regclass(quote_ident(?) || '.' || quote_ident(c.staging_table)) IS NOT NULL
                FROM _ingest.checkpoint c WHERE\s""" + Partition.PREDICATE)) {
            q.setString(1, fingerprint);
            q.setString(2, Catalog.PARTITIONS);
            partition.bind(q, 3);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    if (rs.getBoolean(5) && rs.getBoolean(6)) {
                        return new Checkpoint(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getInt(4));
                    } else if (!rs.getBoolean(5)) {
                        LOG.infof("the staged rows of %s were read under another source shape; starting the interval over", partition);
                    }
                }
            }
        }
        return null;
    }

    /** Points the checkpoint at a new, empty staging table (in the caller's transaction). */
    void start(Connection c, String stagingTable, String fingerprint) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("""
                INSERT INTO _ingest.checkpoint (target, interval_start, interval_end, staging_table, fingerprint)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (target, interval_start, interval_end) DO UPDATE
                SET staging_table = excluded.staging_table, fingerprint = excluded.fingerprint, position = NULL,
                    rows_staged = 0, chunks = 0, snapshots = 1, updated_at = clock_timestamp()""")) {
            int i = partition.bind(up, 1);
            up.setString(i, stagingTable);
            up.setString(i + 1, fingerprint);
            up.executeUpdate();
        }
    }

    void delete(Connection c) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM _ingest.checkpoint WHERE " + Partition.PREDICATE)) {
            partition.bind(del, 1);
            del.executeUpdate();
        }
    }

    /**
     * Moves the checkpoint to {@code next} in the caller's transaction, fenced on the chunk before it: if another
     * run moved the checkpoint meanwhile, this chunk must not commit on top of it.
     */
    void advance(Connection c, Checkpoint next) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("""
                UPDATE _ingest.checkpoint SET position = ?::jsonb, rows_staged = ?, chunks = ?, snapshots = ?,
                       updated_at = clock_timestamp()
                WHERE\s""" + Partition.PREDICATE + " AND chunks = ?")) {
            up.setString(1, next.position());
            up.setLong(2, next.rows());
            up.setInt(3, next.chunks());
            up.setInt(4, next.snapshots());
            up.setInt(partition.bind(up, 5), next.chunks() - 1);
            if (up.executeUpdate() != 1) {
                throw new IngestException(ErrorCode.LOCKED, "the checkpoint of " + partition
                        + " was moved by another run; this run stops without publishing");
            }
        }
    }

    /** Reads the durable checkpoint back (a COMMIT lost with its connection may or may not have happened). */
    Checkpoint read(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(
                "SELECT position::text, rows_staged, chunks, snapshots FROM _ingest.checkpoint WHERE " + Partition.PREDICATE)) {
            partition.bind(q, 1);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new IngestException(ErrorCode.LOCKED, "the checkpoint of " + partition
                            + " disappeared: another run published or restarted this partition");
                }
                current = new Checkpoint(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getInt(4));
                return current;
            }
        }
    }
}
