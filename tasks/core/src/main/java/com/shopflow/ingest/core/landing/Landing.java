package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.config.IngestConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Lands one partition of one raw table: the shared spine of every task, in the README's five steps. Its nouns live
 * apart: {@link Partition} (the key), {@link RawTable}, {@link PartitionLock}, {@link StagingTable},
 * {@link CheckpointStore}, {@link StagingLoop} with its {@link StagingLanes}, {@link Dedup}, {@link Ledger}.
 * <ol>
 *   <li>Schema ({@link #open}): the catalog and the raw table, its drift as the table's policy says.</li>
 *   <li>Lock ({@link #open}): the partition's advisory lock, a ledger attempt, the staging table resumed or new.</li>
 *   <li>Stage ({@link StagingLoop#run}): chunk after chunk COPYed into the staging table, each committed with the
 *       checkpoint it reaches, so a kill at any point leaves staging and checkpoint in agreement.</li>
 *   <li>Publish ({@link #publish}): duplicates removed, then in one short transaction the old partition dropped and
 *       the staging table attached in its place, as is: readers see the old partition or the new one.</li>
 *   <li>Ledger ({@link #publish}, {@link #fail}): the attempt's outcome, in the publish transaction or after it failed.</li>
 * </ol>
 */
public final class Landing implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Landing.class);

    /** What to land. {@code metadata} are extra {@code _} columns the task fills (besides the interval). */
    public record Request(String task, String table, Shape shape, List<Column> metadata, Interval interval,
                          SchemaPolicy policy, String orchestratorRunId, Duration lockWait, Duration publishLockTimeout) {
        /** The request with the configured lock waits ({@code INGEST_LANDING_*}): the one place every task builds it. */
        public static Request of(IngestConfig.Landing config, String task, String table, Shape shape, List<Column> metadata,
                                 Interval interval, SchemaPolicy policy, String orchestratorRunId) {
            return new Request(task, table, shape, metadata, interval, policy, orchestratorRunId,
                    Duration.ofSeconds(config.lockWaitSeconds()), Duration.ofSeconds(config.publishLockTimeoutSeconds()));
        }
    }

    /** Work a task adds to the publish transaction (file ledger, quarantine), on the warehouse connection. */
    public interface PublishHook {
        void run(Connection c, UUID runId) throws SQLException;
    }

    public record Published(long rows, long duplicatesRemoved, int schemaVersion, String partitionTable) {
    }

    private final DbSettings warehouse;
    private final WarehouseSession session;
    private final boolean ownsSession;
    private final Request request;
    private final UUID runId = UUID.randomUUID();
    private final PartitionNames names;
    private final Partition partition;
    private final String target;
    private final StagingTable staging;
    private final CheckpointStore checkpoints;
    private final Progress progress;
    private Connection main;
    private RawSchema schema;
    /** What the staged rows were read under: a resumed attempt must match it. */
    private String fingerprint;
    private int attempt;
    private long rowsResumed;

    private Landing(WarehouseSession session, boolean ownsSession, Request request) {
        this.session = session;
        this.ownsSession = ownsSession;
        this.warehouse = session.settings();
        this.request = request;
        this.partition = Partition.of(request.table(), request.interval());
        this.target = partition.target();
        this.names = PartitionNames.of(request.table(), request.interval());
        this.staging = new StagingTable(request.table(), request.interval(), names);
        this.checkpoints = new CheckpointStore(partition);
        this.progress = new Progress(request.task(), target, request.interval(), Progress.configured());
    }

    /** Lands one partition on a connection of its own, closed with the landing. */
    public static Landing open(DbSettings warehouse, Request request) {
        return open(new WarehouseSession(warehouse, request.task()), true, request);
    }

    /**
     * Lands one partition of a run that lands several ({@code --every}) on the session's connection: the catalog check and
     * the raw table's schema decision are the session's, made once; {@link #close} gives the partition lock back and
     * leaves the connection open for the next partition.
     */
    public static Landing open(WarehouseSession session, Request request) {
        return open(session, false, request);
    }

    private static Landing open(WarehouseSession session, boolean ownsSession, Request request) {
        Landing l = new Landing(session, ownsSession, request);
        try {
            l.start();
            return l;
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
    }

    /** Steps 1-2: the schema (catalog, raw table and its drift), the lock, the ledger's attempt, the staging table. */
    private void start() {
        org.jboss.logging.MDC.put("run_id", runId.toString());
        main = session.connection();
        try {
            session.ensureCatalog();
            schema = session.rawTable(request.table(), request.shape(), request.metadata(), request.policy(), runId);
            for (String change : schema.changes()) {
                LOG.infof("schema: %s (version %d)", change, schema.version());
            }
            PartitionLock.acquire(main, target, request.interval(), request.lockWait());
            attempt = Ledger.begin(main, runId, request, target, schema.version());
            progress.startHeartbeat(warehouse, runId);
            fingerprint = request.shape().fingerprint() + "/v" + schema.version() + "/" + String.join(",", schema.names());
            Checkpoint checkpoint = staging.resumeOrCreate(main, checkpoints, fingerprint);
            rowsResumed = checkpoint.rows();
            long reread = Ledger.resumed(main, runId, target, request.interval(), rowsResumed);
            if (!checkpoint.atStart()) {
                LOG.infof("resuming %s %s from checkpoint: %d rows in %d chunks already staged%s", target, request.interval(),
                        checkpoint.rows(), checkpoint.chunks(), reread > 0 ? ", " + reread + " rows of the failed attempt are read again" : "");
            }
        } catch (SQLException e) {
            throw Failures.classify(Failures.Side.WAREHOUSE, e);
        }
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
            staging.columnDefault(s, column, value);
        } catch (SQLException e) {
            throw Failures.classify(Failures.Side.WAREHOUSE, e);
        }
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
        return checkpoints.current();
    }

    /** Throws away what is staged and starts the interval over, in one transaction ({@link StagingLoop.Restart}). */
    Checkpoint restart() {
        try {
            checkpoints.delete(main);
            return staging.resumeOrCreate(main, checkpoints, fingerprint);
        } catch (SQLException e) {
            throw Failures.classify(Failures.Side.WAREHOUSE, e);
        }
    }

    public long rowsResumed() {
        return rowsResumed;
    }

    public Progress progress() {
        return progress;
    }

    /** Staging on {@code count} connections from the current checkpoint ({@link StagingLoop} opens and closes them). */
    StagingLanes lanes(int count) {
        return new StagingLanes(checkpoints, staging, session, count);
    }

    /** After a failed chunk: reconnects (and locks) if needed and reads the durable checkpoint back. */
    Checkpoint recover() {
        try {
            if (main == null || main.isClosed() || !main.isValid(5)) {
                session.discard();
                main = session.connection();
                PartitionLock.acquire(main, target, request.interval(), request.lockWait());
            }
            return checkpoints.read(main);
        } catch (SQLException e) {
            throw Failures.classify(Failures.Side.WAREHOUSE, e);
        }
    }

    /**
     * Steps 4-5: replaces the partition with the staged rows, atomically, and records it in the ledger in the same
     * transaction.
     *
     * @param dedup            how to keep one row per key, or null when the rows are known unique
     * @param sourceWatermark  for the ledger: how far the source was read (e.g. max updated_at)
     * @param hook             more work inside the publish transaction, or null
     */
    public Published publish(Dedup dedup, String sourceWatermark, PublishHook hook) {
        progress.stopHeartbeat();
        try {
            long removed = dedup == null ? 0 : dedup.remove(main, staging.qualified(), partition);
            staging.indexLikeRaw(main);
            long rows = checkpoints.current().rows() - removed;
            main.setAutoCommit(false);
            try (Statement s = main.createStatement()) {
                // The ledger first: from ATTACH to COMMIT the raw table's SHARE UPDATE EXCLUSIVE lock is held, which the
                // other lanes of a range wait for to attach their own partitions, so nothing that can go before it does.
                Ledger.published(main, runId, target, request.interval(), names.published(), rows, removed, schema.version(),
                        sourceWatermark, progress.rowsRead(), rowsResumed);
                staging.attach(main, s, request.metadata(), request.publishLockTimeout());
                if (hook != null) {
                    hook.run(main, runId);
                }
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
            throw Failures.classify(Failures.Side.WAREHOUSE, e);
        }
    }

    /** Records the failure in the ledger (best effort: the warehouse may be what failed). */
    public void fail(IngestException e) {
        progress.stopHeartbeat();
        Ledger.failed(warehouse, runId, e, progress.rowsRead());
    }

    /**
     * Ends this partition's use of the warehouse: its own connection is closed; a shared one ({@link #open(WarehouseSession,
     * Request)}) stays open without the partition lock, or is closed when the lock cannot be given back, so that the lock
     * always goes.
     */
    @Override
    public void close() {
        progress.stopHeartbeat();
        if (!ownsSession && main != null) {
            try {
                if (main.getAutoCommit()) {
                    PartitionLock.release(main, target, request.interval());
                    main = null;
                    return;
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debugf("partition lock not released on the open connection (%s): closing it", e.getMessage());
            }
        }
        session.discard();
        main = null;
    }

    public Instant startedAt() {
        return progress.startedAt();
    }
}
