package com.shopflow.ingest.db;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.RetryPolicy;
import com.shopflow.ingest.core.cli.ExitCodeHelp;
import com.shopflow.ingest.core.cli.IntervalOptions;
import com.shopflow.ingest.core.cli.RunSummary;
import com.shopflow.ingest.core.cli.TaskRunner;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.config.IngestConfig;
import com.shopflow.ingest.core.landing.Catalog;
import com.shopflow.ingest.core.landing.Partition;
import com.shopflow.ingest.core.landing.RawSchema;
import com.shopflow.ingest.core.landing.RawTable;
import com.shopflow.ingest.core.landing.SchemaPolicy;
import com.shopflow.ingest.core.pg.Identifiers;
import com.shopflow.ingest.core.verify.RowSet;
import com.shopflow.ingest.core.verify.Verification;
import com.shopflow.ingest.core.verify.VerifyOptions;
import com.shopflow.ingest.core.verify.VerifyRun;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code extract-db verify --table T --start S --end E}: compares partition (S, E) of raw.T with the rows the source
 * holds for [S, E) now, each database computing count and checksum of its side; exit 0 equal, 3 different.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compares a landed partition of raw.<table> with what the source holds for the interval now (count and checksum"
                + " on each side; on a difference, a bisection on the key names the keys). Exit 0: equal, 3: different.",
        exitCodeListHeading = ExitCodeHelp.HEADING)
public class VerifyCommand implements Callable<Integer> {
    @Option(names = "--table", paramLabel = "<table>", description = "Configured table: customers, orders, order_items, ...")
    String table;

    @Mixin
    IntervalOptions options;

    @Mixin
    VerifyOptions verify;

    @Mixin
    ExitCodeHelp exitCodes;

    @Inject
    IngestConfig config;

    @Inject
    DbTables tables;

    private boolean different;

    @Override
    public Integer call() {
        int exit = TaskRunner.check("extract-db", "raw." + table, options, config.xcomFile(), this::verify);
        return exit == 0 && different ? ErrorCode.DIFFERENT.exitCode() : exit;
    }

    private RunSummary verify() throws Exception {
        if (table == null) {
            throw new IngestException(ErrorCode.USAGE, "--table is missing: one of " + new java.util.TreeSet<>(tables.tables().keySet()));
        }
        if (options.dryRun()) {
            throw new IngestException(ErrorCode.USAGE, "verify writes nothing but its ledger row: --dry-run does not apply");
        }
        Interval interval = options.interval();
        TableSpec spec = TableSpec.lookup(tables, table);
        RetryPolicy retry = RetryPolicy.from(config.retry());
        DbSettings warehouse = DbSettings.warehouse(config);
        // One snapshot of the source for every level of the bisection, so the levels agree with each other.
        try (SourceSession source = new SourceSession(DbSettings.source(config), true, retry);
             Connection wh = retry.run("connecting to the warehouse", attempt -> warehouse.connect("shopflow-ingest/verify"))) {
            Catalog.ensure(warehouse, wh);
            SourceTable described = source.describe(spec);
            Partition partition = Partition.of(spec.name(), interval);
            Verification.Published published = Verification.Published.of(wh, partition);
            if (published == null) {
                throw new IngestException(ErrorCode.USAGE, "raw." + spec.name() + " has no published partition for " + interval
                        + ": land it first (extract-db --table " + spec.name() + " with the same interval)");
            }
            // CAST plans every existing raw column (dropped ones as NULL); which of them can be compared is decided below.
            List<RawSchema.Planned> plan = RawTable.planned(wh, spec.name(), described.shape(), List.of(), SchemaPolicy.CAST);
            List<String> added = Verification.addedSince(wh, partition.target(), published.schemaVersion());
            List<RawSchema.Planned> compared = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            for (RawSchema.Planned p : plan) {
                if (p.source() == RawSchema.Source.NULL) {
                    skipped.add(p.raw().name() + " (gone from the source)");
                } else if (added.contains(p.raw().name())) {
                    skipped.add(p.raw().name() + " (added after this partition was landed)");
                } else {
                    compared.add(p);
                }
            }
            for (SourceColumn c : described.columns()) {
                if (plan.stream().noneMatch(p -> p.raw().name().equals(c.name()))) {
                    skipped.add(c.name() + " (new in the source, not landed yet)");
                }
            }
            SourceQuery query = new SourceQuery(described, new RawSchema(published.schemaVersion(), plan, List.of()), interval);
            RowSet.KeyType keyType = RowSet.KeyType.of(described.column(spec.key()).type());
            RowSet src = new RowSet(Failures.Side.SOURCE_DB, source.connection(), sourceRows(query, described, compared, plan, interval),
                    "SELECT " + Identifiers.quote(spec.key()) + " AS _k, " + Identifiers.quote(spec.cursor()) + " AS _c FROM "
                            + Identifiers.qualified(spec.schema(), spec.sourceTable()), keyType);
            RowSet landed = new RowSet(Failures.Side.WAREHOUSE, wh, landedRows(spec, compared, interval), null, keyType);
            String method = "count+checksum of " + compared.size() + " columns (sum of a 64-bit hash of each row's text), bisect on "
                    + spec.key();
            RunSummary s = VerifyRun.run(new VerifyRun.Subject("extract-db", partition, published, method, skipped, options.runId()),
                    src, landed, wh, verify, System.out);
            different = s.outcome() == RunSummary.Outcome.DIFFERENT;
            return s;
        } catch (SQLException e) {
            throw Failures.classify(Failures.Side.WAREHOUSE, e);
        }
    }

    /**
     * The source's side: the values as the landing takes them, one row per key (when the key is not unique, the
     * landing's rule: latest cursor, then greatest row text).
     */
    private static String sourceRows(SourceQuery query, SourceTable described, List<RawSchema.Planned> compared,
                                     List<RawSchema.Planned> plan, Interval interval) {
        TableSpec spec = described.spec();
        String key = Identifiers.quote(spec.key());
        String cursor = Identifiers.quote(spec.cursor());
        StringJoiner values = new StringJoiner(", ", "row(", ")::text");
        compared.forEach(p -> values.add(query.value(p)));
        String from = " FROM " + Identifiers.qualified(spec.schema(), spec.sourceTable()) + " WHERE " + query.intervalWhere();
        String select = key + " AS _k, " + cursor + " AS _c, " + values + " AS _r";
        if (described.keyUnique()) {
            return "SELECT " + select + from;
        }
        StringJoiner whole = new StringJoiner(", ", "row(", ")::text");
        plan.forEach(p -> whole.add(query.value(p)));
        whole.add(Identifiers.literal(interval.start().toString()) + "::timestamptz").add(Identifiers.literal(interval.end().toString()) + "::timestamptz");
        return "SELECT DISTINCT ON (" + key + ") " + select + from + " ORDER BY " + key + ", " + cursor + " DESC, " + whole + " DESC";
    }

    private static String landedRows(TableSpec spec, List<RawSchema.Planned> compared, Interval interval) {
        StringJoiner values = new StringJoiner(", ", "row(", ")::text");
        compared.forEach(p -> values.add(p.raw().quoted()));
        return "SELECT " + Identifiers.quote(spec.key()) + " AS _k, " + Identifiers.quote(spec.cursor()) + " AS _c, " + values + " AS _r FROM "
                + Identifiers.qualified(Catalog.RAW, spec.name()) + " WHERE " + Identifiers.quote(RawTable.INTERVAL_START) + " = "
                + Identifiers.literal(interval.start().toString()) + "::timestamptz AND " + Identifiers.quote(RawTable.INTERVAL_END) + " = "
                + Identifiers.literal(interval.end().toString()) + "::timestamptz";
    }
}
