package com.shopflow.ingest.files;

import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.landing.Partition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code _ingest.file_ledger}: the files a published partition was landed from (name, size, sha256, good and
 * bad rows), replaced with the partition in its publish transaction. Comparing the drop with it tells a
 * re-delivered file with new content from an unchanged one.
 */
final class FileLedger {
    private FileLedger() {
    }

    /** What the ledger says about a published partition. */
    record Landed(Map<String, String> sha256ByFile, long rows, long badRows) {
    }

    /**
     * The files of the published partition, or null when the partition is not published, its table is gone,
     * or a run of it is under way (a checkpoint exists).
     */
    static Landed landed(Connection c, String target, Interval interval) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT p.rows, to_regclass('raw_partitions.' || quote_ident(p.partition_table)) IS NOT NULL,
                       EXISTS (SELECT 1 FROM _ingest.checkpoint k WHERE k.target = p.target
                               AND k.interval_start = p.interval_start AND k.interval_end = p.interval_end)
                FROM _ingest.partition p WHERE p.target = ? AND p.interval_start = ? AND p.interval_end = ?""")) {
            bind(q, target, interval);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(2) || rs.getBoolean(3)) {
                    return null;
                }
                long rows = rs.getLong(1);
                Map<String, String> files = new LinkedHashMap<>();
                long bad = 0;
                try (PreparedStatement f = c.prepareStatement("""
                        SELECT file, sha256, rows_bad FROM _ingest.file_ledger
                        WHERE\s""" + Partition.PREDICATE + " ORDER BY file COLLATE \"C\"")) {
                    bind(f, target, interval);
                    try (ResultSet fr = f.executeQuery()) {
                        while (fr.next()) {
                            files.put(fr.getString(1), fr.getString(2));
                            bad += fr.getLong(3);
                        }
                    }
                }
                return new Landed(files, rows, bad);
            }
        }
    }

    /** True when the catalog exists (before the first run it does not). */
    static boolean catalogExists(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT to_regclass('_ingest.file_ledger') IS NOT NULL "
                + "AND to_regclass('_ingest.partition') IS NOT NULL AND to_regclass('_ingest.checkpoint') IS NOT NULL");
             ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** In the publish transaction: the partition's ledger becomes exactly {@code files}. */
    static void replace(Connection c, UUID runId, String target, Interval interval, List<DropFile> files,
                        StagePosition position) throws SQLException {
        try (PreparedStatement del = c.prepareStatement(
                "DELETE FROM _ingest.file_ledger WHERE " + Partition.PREDICATE)) {
            bind(del, target, interval);
            del.executeUpdate();
        }
        try (PreparedStatement ins = c.prepareStatement("""
                INSERT INTO _ingest.file_ledger (target, interval_start, interval_end, file, size_bytes, sha256, rows_good,
                                                 rows_bad, run_id, landed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())""")) {
            for (int i = 0; i < files.size(); i++) {
                DropFile f = files.get(i);
                StagePosition.FileCount n = position.count(i);
                bind(ins, target, interval);
                ins.setString(4, f.name());
                ins.setLong(5, f.size());
                ins.setString(6, f.sha256());
                ins.setLong(7, n.good());
                ins.setLong(8, n.bad());
                ins.setObject(9, runId);
                ins.addBatch();
            }
            ins.executeBatch();
        }
    }

    private static void bind(PreparedStatement ps, String target, Interval interval) throws SQLException {
        new Partition(target, interval).bind(ps, 1);
    }
}
