package com.shopflow.ingest.api;

import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.landing.RawText;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.UUID;

/**
 * Items that could not land, kept until the partition is published: {@code _ingest.api_quarantine_pending} holds
 * them per chunk, written on a connection of their own and committed just before their chunk, so a resumed run
 * drops those of chunks that never committed and keeps the others. At publish they replace the partition's rows
 * of core's {@code _ingest.quarantine} (source = page and cursor, line = position in the page), in the publish
 * transaction, as land-files does for bad file rows.
 */
final class ApiQuarantine implements AutoCloseable {
    static final String TABLE = "_ingest.api_quarantine_pending";
    /** Raw bytes kept per item: enough to see what is wrong, bounded so that one huge item stays cheap. */
    static final int MAX_RAW_BYTES = 1 << 20;

    private final DbSettings warehouse;
    private final String target;
    private final Interval interval;
    private Connection side;

    ApiQuarantine(DbSettings warehouse, String target, Interval interval) {
        this.warehouse = warehouse;
        this.target = target;
        this.interval = interval;
    }

    private Connection side() throws SQLException {
        if (side == null || side.isClosed() || !side.isValid(5)) {
            close();
            side = warehouse.connect("shopflow-ingest/extract-api-quarantine");
            side.setAutoCommit(false);
        }
        return side;
    }

    /** Replaces the pending items of chunks after {@code before} with {@code pages}' bad items as chunk {@code before + 1}. */
    void write(int before, List<Page> pages) throws SQLException {
        Connection c = side();
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + TABLE
                + " WHERE target = ? AND interval_start = ? AND interval_end = ? AND chunk > ?");
             PreparedStatement ins = c.prepareStatement("INSERT INTO " + TABLE
                     + " (target, interval_start, interval_end, chunk, source, line, reason, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(del, 1);
            del.setInt(4, before);
            del.executeUpdate();
            for (Page p : pages) {
                for (BadItem b : p.bad()) {
                    bind(ins, 1);
                    ins.setInt(4, before + 1);
                    ins.setString(5, "products API page " + p.number() + (p.cursor() == null ? " (first page)"
                            : " (cursor " + printable(p.cursor()) + ")"));
                    ins.setLong(6, b.index());
                    String note = b.raw().length > MAX_RAW_BYTES ? " (raw text cut at " + MAX_RAW_BYTES + " bytes)" : "";
                    ins.setString(7, (b.id() == null ? "id unreadable" : "id " + b.id()) + ": " + b.reason() + note);
                    ins.setString(8, RawText.escape(b.raw(), Math.min(b.raw().length, MAX_RAW_BYTES)));
                    ins.addBatch();
                }
            }
            ins.executeBatch();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
    }

    /** A cursor as the API sent it, escaped like raw text and cut at 200 characters. */
    private static String printable(String cursor) {
        byte[] b = (cursor.length() > 200 ? cursor.substring(0, 200) + "..." : cursor).getBytes(StandardCharsets.UTF_8);
        return RawText.escape(b, b.length);
    }

    /** Items quarantined in the chunks up to {@code chunks} (the committed ones). */
    long count(int chunks) throws SQLException {
        Connection c = side();
        try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM " + TABLE
                + " WHERE target = ? AND interval_start = ? AND interval_end = ? AND chunk <= ?")) {
            bind(q, 1);
            q.setInt(4, chunks);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                long n = rs.getLong(1);
                c.commit();
                return n;
            }
        }
    }

    /** In the publish transaction: the partition's quarantine becomes the pending items. */
    static void publish(Connection c, UUID runId, String target, Interval interval) throws SQLException {
        try (PreparedStatement del = c.prepareStatement(
                "DELETE FROM _ingest.quarantine WHERE target = ? AND interval_start = ? AND interval_end = ?");
             PreparedStatement ins = c.prepareStatement("""
                     INSERT INTO _ingest.quarantine (target, interval_start, interval_end, source, line, reason, raw, run_id)
                     SELECT target, interval_start, interval_end, source, line, reason, raw, ?
                     FROM _ingest.api_quarantine_pending WHERE target = ? AND interval_start = ? AND interval_end = ?
                     ORDER BY chunk, source COLLATE "C", line""");
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

    private void bind(PreparedStatement ps, int from) throws SQLException {
        bind(ps, target, interval, from);
    }

    private static void bind(PreparedStatement ps, String target, Interval interval, int from) throws SQLException {
        ps.setString(from, target);
        ps.setTimestamp(from + 1, Timestamp.from(interval.start()));
        ps.setTimestamp(from + 2, Timestamp.from(interval.end()));
    }

    @Override
    public void close() {
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
