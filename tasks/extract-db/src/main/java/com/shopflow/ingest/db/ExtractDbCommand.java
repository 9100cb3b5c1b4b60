package com.shopflow.ingest.db;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.RetryPolicy;
import com.shopflow.ingest.core.cli.ExitCodeHelp;
import com.shopflow.ingest.core.cli.InspectCommand;
import com.shopflow.ingest.core.cli.IntervalOptions;
import com.shopflow.ingest.core.cli.Lineage;
import com.shopflow.ingest.core.cli.PartitionRange;
import com.shopflow.ingest.core.cli.RunSummary;
import com.shopflow.ingest.core.cli.TaskRunner;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.config.IngestConfig;
import com.shopflow.ingest.core.current.CurrentTable;
import com.shopflow.ingest.core.landing.Checkpoint;
import com.shopflow.ingest.core.landing.Dedup;
import com.shopflow.ingest.core.landing.Landing;
import com.shopflow.ingest.core.landing.SchemaPolicy;
import com.shopflow.ingest.core.landing.StagingLoop;
import com.shopflow.ingest.core.landing.WarehouseSession;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import org.jboss.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code extract-db --table T --start S --end E}: lands the rows of T whose cursor is in [S, E) as partition (S, E) of raw.T. */
@TopCommand
@Command(name = "extract-db", mixinStandardHelpOptions = true, version = "extract-db 0.1.0", subcommands = {InspectCommand.class, VerifyCommand.class, RebuildCurrent.class},
        description = "Lands the rows of a source table whose cursor (updated_at) is in [start, end) as one partition of raw.<table>.",
        exitCodeListHeading = ExitCodeHelp.HEADING)
public class ExtractDbCommand implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(ExtractDbCommand.class);

    @Option(names = "--table", paramLabel = "<table>", description = "Configured table: customers, orders, order_items, ...")
    String table;

    @Mixin
    IntervalOptions options;

    @Mixin
    ExitCodeHelp exitCodes;

    @Inject
    IngestConfig config;

    @Inject
    DbTables tables;

    @Override
    public Integer call() {
        DbTables.Table t = table == null ? null : tables.tables().get(table);
        Lineage.Dataset input = t == null ? null
                : Lineage.postgres(config.source().url().orElse(null), t.schema() + "." + t.sourceTable().orElse(table));
        return TaskRunner.runRange("extract-db", "raw." + table, input, options, config.xcomFile(), this::land);
    }

    /**
     * The source is described, and its rows outside every interval counted, once per run; then each partition is landed
     * on the same two connections, each in a source snapshot of its own (the read transaction ends with the partition).
     */
    private RunSummary land(PartitionRange partitions) throws Exception {
        if (table == null) {
            throw new IngestException(ErrorCode.USAGE, "--table is missing: one of " + new java.util.TreeSet<>(tables.tables().keySet()));
        }
        Interval interval = partitions.range();
        TableSpec spec = TableSpec.lookup(tables, table);
        DbSettings sourceDb = DbSettings.source(config);
        DbSettings warehouse = DbSettings.warehouse(config);
        RetryPolicy retry = RetryPolicy.from(config.retry());
        SourceSession source = new SourceSession(sourceDb, tables.singleSnapshot(), retry);
        // The warehouse connection opens while the source is described (a dry run opens its own).
        WarehouseSession session = options.dryRun() ? null : new WarehouseSession(warehouse, "extract-db").prefetch();
        try {
            LOG.infof("extract-db %s %s: connecting to the source %s", spec.name(), interval, sourceDb.redactedUrl());
            SourceTable described = source.describe(spec);
            long noInterval = rowsInNoInterval(source, described, interval);
            if (options.dryRun()) {
                return DryRun.report(source, described, warehouse, interval, config.landing().schemaPolicy())
                        .put("rows_without_interval", noInterval);
            }
            SchemaPolicy policy = SchemaPolicy.forTable(spec.name(), config.landing().schemaPolicy(), System.getenv());
            // Lane 0 lands on the connections the run has open; each further lane (INGEST_LANDING_RANGE_LANES) on its own.
            return partitions.land("extract-db", "raw." + table, session, options.runId(), config.landing().rangeLanes(),
                    index -> index == 0 ? lane(session, source, described, policy, retry, false)
                            : lane(new WarehouseSession(warehouse, "extract-db"),
                                    new SourceSession(sourceDb, tables.singleSnapshot(), retry), described, policy, retry, true))
                    .put("rows_without_interval", noInterval);
        } finally {
            source.close();
            if (session != null) {
                session.close();
            }
        }
    }

    private PartitionRange.Lane lane(WarehouseSession session, SourceSession source, SourceTable described, SchemaPolicy policy,
                                     RetryPolicy retry, boolean own) {
        return new PartitionRange.Lane() {
            @Override
            public RunSummary land(Interval interval) throws Exception {
                return landPartition(session, source, described, policy, interval, retry);
            }

            @Override
            public void close() {
                if (own) {
                    source.close();
                    session.close();
                }
            }
        };
    }

    private RunSummary landPartition(WarehouseSession session, SourceSession source, SourceTable described, SchemaPolicy policy,
                                     Interval interval, RetryPolicy retry) throws Exception {
        Landing.Request request = Landing.Request.of(config.landing(), "extract-db", described.spec().name(), described.shape(), List.of(),
                interval, policy, options.runId());
        Landing landing = retry.run("opening the warehouse", attempt -> Landing.open(session, request));
        try (landing) {
            return extract(landing, source, described, interval, retry);
        } catch (IngestException e) {
            landing.fail(e);
            throw e;
        } catch (Exception e) {
            IngestException ie = new IngestException(ErrorCode.INTERNAL, "extract-db failed: " + Failures.oneLine(e), e);
            landing.fail(ie);
            throw ie;
        }
    }

    private RunSummary extract(Landing landing, SourceSession source, SourceTable described, Interval interval, RetryPolicy retry)
            throws Exception {
        SourceQuery query = new SourceQuery(described, landing.schema(), interval);
        long staging = System.nanoTime();
        Checkpoint cp = StagingLoop.run(landing, new TableChunks(source, described, query, config.landing().chunkRows(), landing),
                config.landing().lanes(), retry);
        source.finish();
        long publishing = System.nanoTime();
        KeysetPosition last = KeysetPosition.fromJson(cp.position());
        boolean mayRepeat = cp.snapshots() > 1 || !described.keyUnique() || !tables.singleSnapshot();
        TableSpec spec = described.spec();
        Landing.Published p = landing.publish(mayRepeat ? new Dedup(List.of(spec.key()), List.of(spec.cursor())) : null,
                last == null ? null : last.cursorInstant().toString(),
                CurrentTable.around(config.landing(), new CurrentTable(table, spec.key(), spec.cursor()), interval, null));
        return new RunSummary("extract-db", "raw." + table, interval)
                .rows(p.rows())
                .partition(p.partitionTable())
                .schemaVersion(p.schemaVersion())
                .attempt(landing.attempt())
                .runId(landing.runId())
                .phase("stage", (publishing - staging) / 1_000_000)
                .phase("publish", (System.nanoTime() - publishing) / 1_000_000)
                .put("rows_read", landing.progress().rowsRead())
                .put("rows_resumed", landing.rowsResumed())
                .put("duplicates_removed", p.duplicatesRemoved())
                .put("chunks", cp.chunks())
                .put("source_snapshots", cp.snapshots());
    }

    /**
     * Counts, once per run, the source rows no interval holds (cursor NULL, infinity or -infinity): they are never
     * landed, so the summary and a warning say how many there are and how to find them.
     */
    private static long rowsInNoInterval(SourceSession source, SourceTable table, Interval interval) throws Exception {
        SourceQuery q = new SourceQuery(table, null, interval);
        long n;
        try (java.sql.Statement s = source.connection().createStatement();
             java.sql.ResultSet rs = s.executeQuery(q.noIntervalCountSql())) {
            rs.next();
            n = rs.getLong(1);
        } catch (SQLException e) {
            throw Failures.fromDatabase("source database", ErrorCode.SOURCE_UNAVAILABLE, e);
        }
        if (n > 0) {
            LOG.warnf("%d rows of %s.%s have %s NULL, infinity or -infinity: they belong to no interval and are never landed. "
                    + "Find them with: SELECT * FROM %s WHERE %s", n, table.spec().schema(), table.spec().sourceTable(),
                    table.spec().cursor(), com.shopflow.ingest.core.pg.Identifiers.qualified(table.spec().schema(), table.spec().sourceTable()),
                    q.noIntervalWhere());
        }
        return n;
    }
}
