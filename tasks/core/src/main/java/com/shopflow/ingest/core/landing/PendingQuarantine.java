package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.config.DbSettings;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * What could not land (a bad file row, an API item), kept until the partition is published: a pending table holds it
 * per chunk, so a resumed run drops that of chunks that never committed and keeps the rest. A chunk's rows are COPYed
 * on a connection of their own and committed just before the chunk itself; at publish they replace the partition's
 * rows of {@code _ingest.quarantine}, in the publish transaction.
 */
public final class PendingQuarantine implements AutoCloseable {
    /** Raw bytes kept per row: enough to see what is wrong, bounded so that one huge record stays cheap. */
    public static final int MAX_RAW_BYTES = 1 << 20;

    /** A pending table of core's migrations, and the order its rows are published in. */
    public record Table(String name, String publishOrder) {
        public static final Table FILES = new Table("_ingest.file_quarantine_pending", "source COLLATE \"C\", line");
        public static final Table API = new Table("_ingest.api_quarantine_pending", "chunk, source COLLATE \"C\", line");
    }

    private final Table table;
    private final DbSettings warehouse;
    private final Partition partition;
    private final String application;
    private final StringBuilder row = new StringBuilder();
    private Connection side;
    private CopyIn copy;

    public PendingQuarantine(Table table, DbSettings warehouse, Partition partition, String task) {
        this.table = table;
        this.warehouse = warehouse;
        this.partition = partition;
        this.application = "shopflow-ingest/" + task + "-quarantine";
    }

    public Table table() {
        return table;
    }

    private Connection side() throws SQLException {
        if (side == null || side.isClosed() || !side.isValid(5)) {
            close();
            side = warehouse.connect(application);
        }
        return side;
    }

    /** Drops the rows of chunks after {@code chunks}: they belong to chunks that never committed. */
    public void discardAfter(int chunks) throws SQLException {
        abandonChunk();
        try (PreparedStatement del = side().prepareStatement("DELETE FROM " + table.name() + " WHERE " + Partition.PREDICATE
                + " AND chunk > ?")) {
            del.setInt(partition.bind(del, 1), chunks);
            del.executeUpdate();
        }
    }

    /** Adds one row of chunk {@code chunk}; the chunk's COPY opens with its first row. Raw bytes are cut at {@link #MAX_RAW_BYTES}. */
    public void add(int chunk, String source, long line, String reason, byte[] raw, int rawLength) throws SQLException {
        if (copy == null) {
            copy = side().unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table.name()
                    + " (target, interval_start, interval_end, chunk, source, line, reason, raw) FROM STDIN (FORMAT csv)");
        }
        row.setLength(0);
        quoted(partition.target()).append(',').append(partition.interval().start()).append(',').append(partition.interval().end())
                .append(',').append(chunk).append(',');
        quoted(source).append(',').append(line).append(',');
        String note = rawLength > MAX_RAW_BYTES ? " (raw text cut at " + MAX_RAW_BYTES + " bytes)" : "";
        quoted(reason + note).append(',');
        quoted(RawText.escape(raw, Math.min(rawLength, MAX_RAW_BYTES))).append('\n');
        byte[] b = row.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(b, 0, b.length);
    }

    /** Commits the rows of the current chunk (before the chunk itself commits). */
    public void commitChunk() throws SQLException {
        if (copy != null) {
            CopyIn c = copy;
            copy = null;
            c.endCopy();
        }
    }

    /** Abandons the rows of a chunk that failed. */
    public void abandonChunk() {
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

    /** Rows of the chunks up to {@code chunks} (the committed ones). */
    public long count(int chunks) throws SQLException {
        try (PreparedStatement q = side().prepareStatement("SELECT count(*) FROM " + table.name() + " WHERE " + Partition.PREDICATE
                + " AND chunk <= ?")) {
            q.setInt(partition.bind(q, 1), chunks);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** In the publish transaction on {@code c}: the partition's quarantine becomes the pending rows. */
    public void publish(Connection c, UUID runId) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM _ingest.quarantine WHERE " + Partition.PREDICATE);
             PreparedStatement ins = c.prepareStatement("""
                     INSERT INTO _ingest.quarantine (target, interval_start, interval_end, source, line, reason, raw, run_id)
                     SELECT target, interval_start, interval_end, source, line, reason, raw, ?
                     FROM\s""" + table.name() + " WHERE " + Partition.PREDICATE + " ORDER BY " + table.publishOrder());
             PreparedStatement clear = c.prepareStatement("DELETE FROM " + table.name() + " WHERE " + Partition.PREDICATE)) {
            partition.bind(del, 1);
            del.executeUpdate();
            ins.setObject(1, runId);
            partition.bind(ins, 2);
            ins.executeUpdate();
            partition.bind(clear, 1);
            clear.executeUpdate();
        }
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
