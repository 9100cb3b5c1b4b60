package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.pg.CopyText;
import com.shopflow.ingest.core.pg.Identifiers;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.StringJoiner;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import java.util.List;
import java.util.Set;

/**
 * How a partition keeps at most one row per key: among rows with the same key, the one with the greatest
 * {@code orderBy} values wins; remaining ties go to the greatest row text, so the choice never depends on
 * the order rows were staged in.
 *
 * @param suspects for a single text key: every key that may repeat (e.g. found with {@link KeyHashes}), so only
 *                 those rows are searched; null when unknown (the whole staging table is searched)
 */
public record Dedup(List<String> key, List<String> orderBy, Set<String> suspects) {
    public Dedup {
        key = List.copyOf(key);
        orderBy = List.copyOf(orderBy);
        suspects = suspects == null ? null : Set.copyOf(suspects);
        if (suspects != null && key.size() != 1) {
            throw new IllegalArgumentException("suspect keys need a single key column");
        }
    }

    public Dedup(List<String> key, List<String> orderBy) {
        this(key, orderBy, null);
    }

    private static final Logger LOG = Logger.getLogger(Dedup.class);

    /**
     * Keeps one row per key. First the keys that may repeat: named by the task ({@link #suspects()}, often
     * none, and then nothing is searched), or else found by a hash aggregate over a 64-bit hash of the key
     * (cheaper to group than the key itself, and given memory for it). One scan then collects the rows with
     * such a key; the losers are picked among those few and deleted by their tuple ids.
     */
    long remove(Connection main, String staging, Partition partition) throws SQLException {
        Dedup dedup = this;
        if (dedup.suspects() != null && dedup.suspects().isEmpty()) {
            return 0;
        }
        StringJoiner keep = new StringJoiner(", ");
        StringJoiner on = new StringJoiner(" AND ");
        StringJoiner left = new StringJoiner(", ", "(", ")");
        StringJoiner right = new StringJoiner(", ", "(", ")");
        for (int i = 0; i < dedup.key().size(); i++) {
            keep.add("s." + Identifiers.quote(dedup.key().get(i)) + " AS k" + i);
            on.add("a.k" + i + " = b.k" + i);
        }
        for (int i = 0; i < dedup.orderBy().size(); i++) {
            keep.add("s." + Identifiers.quote(dedup.orderBy().get(i)) + " AS o" + i);
            left.add("a.o" + i);
            right.add("b.o" + i);
        }
        left.add("a.body").add("a.tid");
        right.add("b.body").add("b.tid");
        main.setAutoCommit(false);
        try (Statement s = main.createStatement()) {
            s.execute("SET LOCAL work_mem = " + Identifiers.literal(Catalog.PUBLISH_WORK_MEM));
            // The staging table has no statistics yet: a parallel plan would hash in every worker, then sort it all.
            s.execute("SET LOCAL max_parallel_workers_per_gather = 0");
            String filter;
            if (dedup.suspects() != null) {
                s.execute("CREATE TEMP TABLE dedup_key (k text) ON COMMIT DROP");
                CopyManager copy = main.unwrap(PGConnection.class).getCopyAPI();
                StringBuilder rows = new StringBuilder();
                for (String k : dedup.suspects()) {
                    rows.append(CopyText.escape(k)).append('\n');
                }
                copy.copyIn("COPY dedup_key FROM STDIN", new java.io.StringReader(rows.toString()));
                s.execute("ANALYZE dedup_key");
                filter = "s." + Identifiers.quote(dedup.key().get(0)) + "::text IN (SELECT k FROM dedup_key)";
            } else {
                s.execute("CREATE TEMP TABLE dedup_hash ON COMMIT DROP AS SELECT " + keyHash(dedup, null) + " AS h FROM " + staging
                        + " GROUP BY 1 HAVING count(*) > 1");
                s.execute("ANALYZE dedup_hash");
                filter = keyHash(dedup, "s") + " IN (SELECT h FROM dedup_hash)";
            }
            s.execute("CREATE TEMP TABLE dedup_row ON COMMIT DROP AS SELECT s.ctid AS tid, " + keep + ", s::text AS body FROM "
                    + staging + " s WHERE " + filter);
            int n = s.executeUpdate("DELETE FROM " + staging + " WHERE ctid = ANY (ARRAY(SELECT a.tid FROM dedup_row a WHERE EXISTS"
                    + " (SELECT 1 FROM dedup_row b WHERE " + on + " AND " + left + " < " + right + ")))");
            main.commit();
            if (n > 0) {
                LOG.infof("removed %d duplicate rows of %s (same key; the latest by %s wins)", n, partition, dedup.orderBy());
            }
            return n;
        } catch (IOException e) {
            main.rollback();
            throw new SQLException("sending the suspect keys failed: " + e.getMessage(), "08006", e);
        } catch (SQLException | RuntimeException e) {
            main.rollback();
            throw e;
        } finally {
            main.setAutoCommit(true);
        }
    }

    /** A 64-bit hash of the key: of its text for one column (cheap), of the row of key columns otherwise. */
    private static String keyHash(Dedup dedup, String alias) {
        String prefix = alias == null ? "" : alias + ".";
        if (dedup.key().size() == 1) {
            return "hashtextextended(" + prefix + Identifiers.quote(dedup.key().get(0)) + "::text, 0)";
        }
        StringJoiner keyRow = new StringJoiner(", ", "row(", ")::text");
        dedup.key().forEach(k -> keyRow.add(prefix + Identifiers.quote(k)));
        return "hashtextextended(" + keyRow + ", 0)";
    }
}
