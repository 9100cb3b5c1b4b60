package com.shopflow.ingest.files;

import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.landing.RawText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Bad rows found while staging, kept until the partition is published: {@code _ingest.file_quarantine_pending}
 * holds them per chunk, so a resumed run drops those of chunks that never committed and keeps the others.
 * At publish they replace the partition's rows in {@code _ingest.quarantine}, in the publish transaction.
 * The rows of one chunk are written on a connection of their own, committed just before the chunk's rows.
 */
final class PendingQuarantine implements AutoCloseable {
    static final String TABLE = "_ingest.file_quarantine_pending";
    /** Raw bytes kept per bad row: enough to see what is wrong, bounded so one huge record stays cheap. */
    static final int MAX_RAW_BYTES = 1 << 20;

    private final DbSettings warehouse;
    private final String target;
    private final Interval interval;
    private Connection side;
    private CopyIn copy;
    private final StringBuilder row = new StringBuilder();

    PendingQuarantine(DbSettings warehouse, String target, Interval interval) {
        this.warehouse = warehouse;
        this.target = target;
        this.interval = interval;
    }

    private Connection side() throws SQLException {
        if (side == null || side.isClosed() || !side.isValid(5)) {
            close();
            side = warehouse.connect("shopflow-ingest/land-files-quarantine");
        }
        return side;
    }

    /** Drops pending rows of chunks after {@code chunks}: they belong to chunks whose rows never committed. */
    void discardAfter(int chunks) throws SQLException {
        try (PreparedStatement del = side().prepareStatement("DELETE FROM " + TABLE
                + " WHERE target = ? AND interval_start = ? AND interval_end = ? AND chunk > ?")) {
            bind(del);
            del.setInt(4, chunks);
            del.executeUpdate();
        }
    }

    /** Adds one bad row of chunk {@code chunk}; the COPY opens with the chunk's first bad row. */
    void add(int chunk, String source, long line, String reason, byte[] raw, int rawLength) throws SQLException {
        if (copy == null) {
            copy = side().unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + TABLE
                    + " (target, interval_start, interval_end, chunk, source, line, reason, raw) FROM STDIN (FORMAT csv)");
        }
        row.setLength(0);
        quoted(target).append(',').append(interval.start()).append(',').append(interval.end()).append(',').append(chunk).append(',');
        quoted(source).append(',').append(line).append(',');
        String note = rawLength > MAX_RAW_BYTES ? " (raw text cut at " + MAX_RAW_BYTES + " bytes)" : "";
        quoted(reason + note).append(',');
        quoted(RawText.escape(raw, Math.min(rawLength, MAX_RAW_BYTES))).append('\n');
        byte[] b = row.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(b, 0, b.length);
    }

    /** Commits the bad rows of the current chunk (before the chunk itself commits). */
    void commitChunk() throws SQLException {
        if (copy != null) {
            CopyIn c = copy;
            copy = null;
            c.endCopy();
        }
    }

    /** Abandons the bad rows of a chunk that failed. */
    void abandonChunk() {
        if (copy != null) {
            try {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            } catch (SQLException ignored) {
                // The connection broke; nothing was committed.
            }
            copy = null;
        }
    }

    /** In the publish transaction: the partition's quarantine becomes the pending rows. */
    static void publish(Connection c, UUID runId, String target, Interval interval) throws SQLException {
        try (PreparedStatement del = c.prepareStatement(
                "DELETE FROM _ingest.quarantine WHERE target = ? AND interval_start = ? AND interval_end = ?");
             PreparedStatement ins = c.prepareStatement("""
                     INSERT INTO _ingest.quarantine (target, interval_start, interval_end, source, line, reason, raw, run_id)
                     SELECT target, interval_start, interval_end, source, line, reason, raw, ?
                     FROM _ingest.file_quarantine_pending WHERE target = ? AND interval_start = ? AND interval_end = ?
                     ORDER BY source COLLATE "C", line""");
             PreparedStatement clear = c.prepareStatement(
                     "DELETE FROM " + TABLE + " WHERE target = ? AND interval_start = ? AND interval_end = ?")) {
            bind(del, target, interval, 1);
            del.executeUpdate();
            ins.setObject(1, runId);
            bind(ins, target, interval, 2);
            ins.executeUpdate();
            bind(clear, target, interval, 1);
            clear.executeUpdate();
        }
    }

    private void bind(PreparedStatement ps) throws SQLException {
        bind(ps, target, interval, 1);
    }

    private static void bind(PreparedStatement ps, String target, Interval interval, int from) throws SQLException {
        ps.setString(from, target);
        ps.setTimestamp(from + 1, Timestamp.from(interval.start()));
        ps.setTimestamp(from + 2, Timestamp.from(interval.end()));
    }

    private StringBuilder quoted(String s) {
        return row.append('"').append(s.replace("\"", "\"\"")).append('"');
    }

    @Override
    public void close() {
        abandonChunk();
        if (side != null) {
            try {
                side.close();
            } catch (SQLException ignored) {
                // Closing a broken connection.
            }
            side = null;
        }
    }
}
