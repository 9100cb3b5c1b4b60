package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.pg.CopyText;
import com.shopflow.ingest.core.pg.Identifiers;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.StringJoiner;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Lands one partition of one raw table: the shared spine of every task.
 *
 * <ol>
 *   <li>{@link #open}: ensures the catalog and the raw table (schema drift), takes the partition lock, opens
 *       a ledger attempt, and finds the staging table: resumed from its checkpoint, or new.</li>
 *   <li>{@link #stage}: one chunk of rows is COPYed into the staging table and the checkpoint advanced in the
 *       same transaction, so a kill at any point leaves staging and checkpoint in agreement.</li>
 *   <li>{@link #publish}: duplicates are removed, then in one short transaction the old partition is dropped
 *       and the staging table attached in its place. Readers see the old partition or the new one.</li>
 * </ol>
 * The staging table becomes the partition as is, so every row is written once: the cost of a publish does
 * not depend on the size of the partition nor on how many partitions the table has.
 */
public final class Landing implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Landing.class);
    /** Memory for the duplicate search of one publish (a session setting of this transaction only). */
    private static final String DEDUP_WORK_MEM = System.getenv().getOrDefault("INGEST_LANDING_DEDUP_WORK_MEM", "256MB");

    /** What to land. {@code metadata} are extra {@code _} columns the task fills (besides the interval). */
    public record Request(String task, String table, Shape shape, List<Column> metadata, Interval interval,
                          SchemaPolicy policy, String orchestratorRunId, Duration lockWait, Duration publishLockTimeout) {
    }

    /** Work a task adds to the publish transaction (file ledger, quarantine), on the warehouse connection. */
    public interface PublishHook {
        void run(Connection c, UUID runId) throws SQLException;
    }

    public record Published(long rows, long duplicatesRemoved, int schemaVersion, String partitionTable) {
    }

    private final DbSettings warehouse;
    private final Request request;
    private final UUID runId = UUID.randomUUID();
    private final PartitionNames names;
    private final String target;
    private final Progress progress;
    private Connection main;
    private RawSchema schema;
    private Checkpoint checkpoint = Checkpoint.START;
    private int attempt;
    private long rowsResumed;

    private Landing(DbSettings warehouse, Request request) {
        this.warehouse = warehouse;
        this.request = request;
        this.target = Catalog.RAW + "." + request.table();
        this.names = PartitionNames.of(request.table(), request.interval());
        this.progress = new Progress(request.task(), target, request.interval(), Progress.configured());
    }

    public static Landing open(DbSettings warehouse, Request request) {
        Landing l = new Landing(warehouse, request);
        try {
            l.start();
            return l;
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
    }

    private void start() {
        org.jboss.logging.MDC.put("run_id", runId.toString());
        main = warehouse.connect("shopflow-ingest/" + request.task());
        try {
            Catalog.ensure(warehouse, main);
            schema = RawTable.ensure(main, request.table(), request.shape(), request.metadata(), request.policy(), runId);
            for (String change : schema.changes()) {
                LOG.infof("schema: %s (version %d)", change, schema.version());
            }
            PartitionLock.acquire(main, target, request.interval(), request.lockWait());
            attempt = Ledger.begin(main, runId, request, target, schema.version());
            progress.startHeartbeat(warehouse, runId);
            checkpoint = resumeOrCreateStaging();
            rowsResumed = checkpoint.rows();
            long reread = Ledger.resumed(main, runId, target, request.interval(), rowsResumed);
            if (!checkpoint.atStart()) {
                LOG.infof("resuming %s %s from checkpoint: %d rows in %d chunks already staged%s", target, request.interval(),
                        checkpoint.rows(), checkpoint.chunks(), reread > 0 ? ", " + reread + " rows of the failed attempt are read again" : "");
            }
        } catch (SQLException e) {
            throw Failures.fromDatabase("warehouse", ErrorCode.WAREHOUSE_UNAVAILABLE, e);
        }
    }

    private Checkpoint resumeOrCreateStaging() throws SQLException {
        String fingerprint = request.shape().fingerprint() + "/v" + schema.version() + "/" + String.join(",", schema.names());
        main.setAutoCommit(false);
        try (Statement s = main.createStatement()) {
            Checkpoint found = null;
            try (PreparedStatement q = main.prepareStatement("""
                    SELECT c.position::text, c.rows_staged, c.chunks, c.snapshots, c.fingerprint = ?,
                           to_regclass(quote_ident(?) || '.' || quote_ident(c.staging_table)) IS NOT NULL
                    FROM _ingest.checkpoint c WHERE target = ? AND interval_start = ? AND interval_end = ?""")) {
                q.setString(1, fingerprint);
                q.setString(2, Catalog.PARTITIONS);
                q.setString(3, target);
                q.setTimestamp(4, Timestamp.from(request.interval().start()));
                q.setTimestamp(5, Timestamp.from(request.interval().end()));
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        if (rs.getBoolean(5) && rs.getBoolean(6)) {
                            found = new Checkpoint(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getInt(4));
                        } else if (!rs.getBoolean(5)) {
                            LOG.infof("the staged rows of %s %s were read under another source shape; starting the interval over",
                                    target, request.interval());
                        }
                    }
                }
            }
            if (found != null) {
                intervalDefaults(s, Identifiers.qualified(Catalog.PARTITIONS, names.staging()));
                main.commit();
                return found;
            }
            String staging = Identifiers.qualified(Catalog.PARTITIONS, names.staging());
            s.execute("DROP TABLE IF EXISTS " + staging);
            s.execute("CREATE TABLE " + staging + " (LIKE " + Identifiers.qualified(Catalog.RAW, request.table()) + ")");
            // This constraint is exactly the partition bound, so ATTACH PARTITION needs no validation scan.
            s.execute("ALTER TABLE " + staging + " ADD CONSTRAINT " + Identifiers.quote("partition_bound")
                    + " CHECK (" + boundPredicate() + ")");
            intervalDefaults(s, staging);
            try (PreparedStatement up = main.prepareStatement("""
                    INSERT INTO _ingest.checkpoint (target, interval_start, interval_end, staging_table, fingerprint)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (target, interval_start, interval_end) DO UPDATE
                    SET staging_table = excluded.staging_table, fingerprint = excluded.fingerprint, position = NULL,
                        rows_staged = 0, chunks = 0, snapshots = 1, updated_at = clock_timestamp()""")) {
                up.setString(1, target);
                up.setTimestamp(2, Timestamp.from(request.interval().start()));
                up.setTimestamp(3, Timestamp.from(request.interval().end()));
                up.setString(4, names.staging());
                up.setString(5, fingerprint);
                up.executeUpdate();
            }
            main.commit();
            return Checkpoint.START;
        } catch (SQLException | RuntimeException e) {
            main.rollback();
            throw e;
        } finally {
            main.setAutoCommit(true);
        }
    }

    /**
     * The interval columns default to this partition's bounds, so a task may leave them out of its COPY stream
     * (the server then spends nothing on them per row). Dropped again at publish.
     */
    private void intervalDefaults(Statement s, String staging) throws SQLException {
        s.execute("ALTER TABLE " + staging + " ALTER COLUMN " + Identifiers.quote(RawTable.INTERVAL_START) + " SET DEFAULT "
                + Identifiers.literal(request.interval().start().toString()) + "::timestamptz, ALTER COLUMN "
                + Identifiers.quote(RawTable.INTERVAL_END) + " SET DEFAULT " + Identifiers.literal(request.interval().end().toString())
                + "::timestamptz");
    }

    /**
     * Sets what a metadata column holds for rows that leave it out of the stream until changed again (e.g. the
     * file the next chunk comes from): cheaper than sending the same value in every row. Dropped at publish.
     */
    public void columnDefault(String column, String value) {
        if (request.metadata().stream().noneMatch(c -> c.name().equals(column))) {
            throw new IllegalArgumentException(column + " is not a metadata column of " + target);
        }
        try (Statement s = main.createStatement()) {
            s.execute("ALTER TABLE " + Identifiers.qualified(Catalog.PARTITIONS, names.staging()) + " ALTER COLUMN "
                    + Identifiers.quote(column) + " SET DEFAULT " + Identifiers.literal(value));
        } catch (SQLException e) {
            throw Failures.fromDatabase("warehouse", ErrorCode.WAREHOUSE_UNAVAILABLE, e);
        }
    }

    private String boundPredicate() {
        return Identifiers.quote(RawTable.INTERVAL_START) + " = " + Identifiers.literal(request.interval().start().toString())
                + "::timestamptz AND " + Identifiers.quote(RawTable.INTERVAL_END) + " = "
                + Identifiers.literal(request.interval().end().toString()) + "::timestamptz";
    }

    public UUID runId() {
        return runId;
    }

    public int attempt() {
        return attempt;
    }

    public RawSchema schema() {
        return schema;
    }

    /** The last durable checkpoint: where the source must continue from. */
    public Checkpoint checkpoint() {
        return checkpoint;
    }

    /**
     * Throws away what is staged and starts the interval over (e.g. an API cursor that expired): the staging
     * table is recreated empty and the checkpoint reset, in one transaction.
     */
    public Checkpoint restart() {
        try {
            try (PreparedStatement del = main.prepareStatement(
                    "DELETE FROM _ingest.checkpoint WHERE target = ? AND interval_start = ? AND interval_end = ?")) {
                del.setString(1, target);
                del.setTimestamp(2, Timestamp.from(request.interval().start()));
                del.setTimestamp(3, Timestamp.from(request.interval().end()));
                del.executeUpdate();
            }
            checkpoint = resumeOrCreateStaging();
            return checkpoint;
        } catch (SQLException e) {
            throw Failures.fromDatabase("warehouse", ErrorCode.WAREHOUSE_UNAVAILABLE, e);
        }
    }

    public long rowsResumed() {
        return rowsResumed;
    }

    public Progress progress() {
        return progress;
    }

    /**
     * Stages the next chunks on {@code count} connections at once (see {@link StagingLanes}), from the current
     * checkpoint. Close the lanes before {@link #recover} or {@link #publish}.
     */
    public StagingLanes lanes(int count) {
        return new StagingLanes(this, warehouse, request.task(), checkpoint, count);
    }

    void checkpointReached(Checkpoint c) {
        checkpoint = c;
    }

    /** Writes one chunk to the COPY stream; returns what the checkpoint becomes once the chunk is committed. */
    public interface ChunkBody {
        ChunkResult write(OutputStream copyIn) throws Exception;
    }

    /**
     * @param position        the source position after this chunk (task's JSON)
     * @param rows            rows written to the COPY stream
     * @param newSnapshot     true when these rows were read under a different source snapshot than the last chunk
     */
    public record ChunkResult(String position, long rows, boolean newSnapshot) {
    }

    /**
     * COPYs one chunk into the staging table and advances the checkpoint in the same transaction. On failure
     * the transaction is rolled back and the exception rethrown; call {@link #recover} before trying again.
     *
     * @param copyOptions e.g. {@code FORMAT binary} or {@code FORMAT csv}
     * @param columns     the staging columns the stream provides, in stream order
     */
    public Checkpoint stage(String copyOptions, List<String> columns, ChunkBody body) throws Exception {
        String sql = copyIntoStaging(copyOptions, columns);
        main.setAutoCommit(false);
        ChunkResult r;
        try {
            PGCopyOutputStream out = new PGCopyOutputStream(main.unwrap(PGConnection.class), sql, 1 << 16);
            try {
                r = body.write(out);
                out.endCopy();
            } finally {
                if (out.isActive()) {
                    out.cancelCopy();
                }
            }
            Checkpoint next = new Checkpoint(r.position(), checkpoint.rows() + r.rows(), checkpoint.chunks() + 1,
                    checkpoint.snapshots() + (r.newSnapshot() ? 1 : 0));
            advanceCheckpoint(main, next);
            main.commit();
            checkpoint = next;
            return next;
        } catch (Exception e) {
            try {
                main.rollback();
            } catch (SQLException ignored) {
                // The connection is gone; recover() reconnects.
            }
            throw e;
        } finally {
            try {
                main.setAutoCommit(true);
            } catch (SQLException ignored) {
                // Same.
            }
        }
    }

    /** The COPY statement that streams {@code columns} into the staging table. */
    String copyIntoStaging(String copyOptions, List<String> columns) {
        StringJoiner cols = new StringJoiner(", ", "(", ")");
        columns.forEach(c -> cols.add(Identifiers.quote(c)));
        return "COPY " + Identifiers.qualified(Catalog.PARTITIONS, names.staging()) + " " + cols + " FROM STDIN (" + copyOptions + ")";
    }

    /**
     * Moves the checkpoint to {@code next} in the caller's transaction, fenced on the chunk before it: if another
     * run moved the checkpoint meanwhile, this chunk must not commit on top of it.
     */
    void advanceCheckpoint(Connection c, Checkpoint next) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("""
                UPDATE _ingest.checkpoint SET position = ?::jsonb, rows_staged = ?, chunks = ?, snapshots = ?,
                       updated_at = clock_timestamp()
                WHERE target = ? AND interval_start = ? AND interval_end = ? AND chunks = ?""")) {
            up.setString(1, next.position());
            up.setLong(2, next.rows());
            up.setInt(3, next.chunks());
            up.setInt(4, next.snapshots());
            up.setString(5, target);
            up.setTimestamp(6, Timestamp.from(request.interval().start()));
            up.setTimestamp(7, Timestamp.from(request.interval().end()));
            up.setInt(8, next.chunks() - 1);
            if (up.executeUpdate() != 1) {
                throw new IngestException(ErrorCode.LOCKED, "the checkpoint of " + target + " " + request.interval()
                        + " was moved by another run; this run stops without publishing");
            }
        }
    }

    /**
     * After a failed chunk: reconnects to the warehouse if needed, takes the partition lock again and reads
     * the durable checkpoint back (a COMMIT lost with its connection may or may not have happened).
     */
    public Checkpoint recover() {
        try {
            if (main == null || main.isClosed() || !main.isValid(5)) {
                closeQuietly(main);
                main = warehouse.connect("shopflow-ingest/" + request.task());
                PartitionLock.acquire(main, target, request.interval(), request.lockWait());
            }
            try (PreparedStatement q = main.prepareStatement("""
                    SELECT position::text, rows_staged, chunks, snapshots FROM _ingest.checkpoint
                    WHERE target = ? AND interval_start = ? AND interval_end = ?""")) {
                q.setString(1, target);
                q.setTimestamp(2, Timestamp.from(request.interval().start()));
                q.setTimestamp(3, Timestamp.from(request.interval().end()));
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        throw new IngestException(ErrorCode.LOCKED, "the checkpoint of " + target + " " + request.interval()
                                + " disappeared: another run published or restarted this partition");
                    }
                    checkpoint = new Checkpoint(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getInt(4));
                }
            }
            return checkpoint;
        } catch (SQLException e) {
            throw Failures.fromDatabase("warehouse", ErrorCode.WAREHOUSE_UNAVAILABLE, e);
        }
    }

    /**
     * Replaces the partition with the staged rows, atomically.
     *
     * @param dedup            how to keep one row per key, or null when the rows are known unique
     * @param sourceWatermark  for the ledger: how far the source was read (e.g. max updated_at)
     * @param hook             more work inside the publish transaction, or null
     */
    public Published publish(Dedup dedup, String sourceWatermark, PublishHook hook) {
        progress.stopHeartbeat();
        String staging = Identifiers.qualified(Catalog.PARTITIONS, names.staging());
        try {
            long removed = dedup == null ? 0 : removeDuplicates(staging, dedup);
            long rows = checkpoint.rows() - removed;
            main.setAutoCommit(false);
            try (Statement s = main.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '" + request.publishLockTimeout().toMillis() + "ms'");
                addMissingColumns(s, staging);
                StringJoiner dropDefaults = new StringJoiner(", ");
                dropDefaults.add("ALTER COLUMN " + Identifiers.quote(RawTable.INTERVAL_START) + " DROP DEFAULT");
                dropDefaults.add("ALTER COLUMN " + Identifiers.quote(RawTable.INTERVAL_END) + " DROP DEFAULT");
                request.metadata().forEach(c -> dropDefaults.add("ALTER COLUMN " + Identifiers.quote(c.name()) + " DROP DEFAULT"));
                s.execute("ALTER TABLE " + staging + " " + dropDefaults);
                String published = Identifiers.qualified(Catalog.PARTITIONS, names.published());
                s.execute("DROP TABLE IF EXISTS " + published);
                s.execute("ALTER TABLE " + staging + " RENAME TO " + Identifiers.quote(names.published()));
                String end = request.interval().end().toString();
                String endPlus = request.interval().end().plusNanos(1000).toString();
                String start = request.interval().start().toString();
                s.execute("ALTER TABLE " + Identifiers.qualified(Catalog.RAW, request.table()) + " ATTACH PARTITION " + published
                        + " FOR VALUES FROM (" + Identifiers.literal(start) + ", " + Identifiers.literal(end) + ") TO ("
                        + Identifiers.literal(start) + ", " + Identifiers.literal(endPlus) + ")");
                if (hook != null) {
                    hook.run(main, runId);
                }
                Ledger.published(main, runId, target, request.interval(), names.published(), rows, removed, schema.version(),
                        sourceWatermark, progress.rowsRead(), rowsResumed);
                main.commit();
            } catch (SQLException | RuntimeException e) {
                main.rollback();
                throw e;
            } finally {
                main.setAutoCommit(true);
            }
            LOG.infof("published %s %s: %d rows%s", target, request.interval(), rows,
                    removed > 0 ? " (" + removed + " duplicate rows removed)" : "");
            return new Published(rows, removed, schema.version(), Catalog.PARTITIONS + "." + names.published());
        } catch (SQLException e) {
            throw Failures.fromDatabase("warehouse", ErrorCode.WAREHOUSE_UNAVAILABLE, e);
        }
    }

    /**
     * Keeps one row per key. First the keys that may repeat: named by the task ({@link Dedup#suspects()}, often
     * none, and then nothing is searched), or else found by a hash aggregate over a 64-bit hash of the key
     * (cheaper to group than the key itself, and given memory for it). One scan then collects the rows with
     * such a key; the losers are picked among those few and deleted by their tuple ids.
     */
    private long removeDuplicates(String staging, Dedup dedup) throws SQLException {
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
            s.execute("SET LOCAL work_mem = " + Identifiers.literal(DEDUP_WORK_MEM));
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
                LOG.infof("removed %d duplicate rows of %s %s (same key; the latest by %s wins)", n, target, request.interval(), dedup.orderBy());
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

    /** Columns added to the raw table by another partition's run since this staging table was made. */
    private void addMissingColumns(Statement s, String staging) throws SQLException {
        var parent = RawTable.columns(main, Catalog.RAW, request.table());
        var mine = RawTable.columns(main, Catalog.PARTITIONS, names.staging());
        for (var e : parent.entrySet()) {
            if (!mine.containsKey(e.getKey())) {
                s.execute("ALTER TABLE " + staging + " ADD COLUMN " + Identifiers.quote(e.getKey()) + " " + e.getValue());
            }
        }
    }

    /** Records the failure in the ledger (best effort: the warehouse may be what failed). */
    public void fail(IngestException e) {
        progress.stopHeartbeat();
        Ledger.failed(warehouse, runId, e, progress.rowsRead());
    }

    @Override
    public void close() {
        progress.stopHeartbeat();
        closeQuietly(main);
        main = null;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Closing a broken connection.
            }
        }
    }

    public Instant startedAt() {
        return progress.startedAt();
    }
}
