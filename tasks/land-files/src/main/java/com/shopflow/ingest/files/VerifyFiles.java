package com.shopflow.ingest.files;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.cli.ExitCodeHelp;
import com.shopflow.ingest.core.cli.IntervalOptions;
import com.shopflow.ingest.core.cli.RunSummary;
import com.shopflow.ingest.core.cli.TaskRunner;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.config.IngestConfig;
import com.shopflow.ingest.core.landing.Catalog;
import com.shopflow.ingest.core.landing.KeyHashes;
import com.shopflow.ingest.core.landing.Partition;
import com.shopflow.ingest.core.landing.RawTable;
import com.shopflow.ingest.core.pg.Identifiers;
import com.shopflow.ingest.core.verify.RowSet;
import com.shopflow.ingest.core.verify.Verification;
import com.shopflow.ingest.core.verify.VerifyOptions;
import com.shopflow.ingest.core.verify.VerifyRun;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code land-files verify --feed F --start S --end E}: the source of a feed is its files, so they are read again with
 * the landing's parse and quarantine rules and COPYed into a temporary table of the warehouse, one row per key by the
 * landing's rule (latest file, then latest line); the warehouse then compares that table with the partition like any
 * other source. The files are also compared with the file ledger, so a file re-delivered since the landing is named.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compares a landed partition of raw.<feed> with the drop's files of the interval as they are now (read with the"
                + " landing's rules into a temporary table, then count, checksum and bisection on order_ref). Exit 0: equal, 3: different.",
        exitCodeListHeading = ExitCodeHelp.HEADING)
public class VerifyFiles implements Callable<Integer> {
    static final String SCRATCH = "verify_drop";

    @Option(names = "--feed", paramLabel = "<feed>", description = "The feed: marketplace_orders")
    String feed;

    @Mixin
    IntervalOptions interval;

    @Mixin
    VerifyOptions verify;

    @Mixin
    ExitCodeHelp exitCodes;

    @Inject
    IngestConfig config;

    @Inject
    FilesConfig files;

    private boolean different;

    @Override
    public Integer call() {
        int exit = TaskRunner.check(DropLanding.TASK, "raw." + LandFilesCommand.FEED, interval, config.xcomFile(), this::verify);
        return exit == 0 && different ? ErrorCode.DIFFERENT.exitCode() : exit;
    }

    private RunSummary verify() throws Exception {
        if (!LandFilesCommand.FEED.equals(feed)) {
            throw new IngestException(ErrorCode.USAGE, "--feed " + LandFilesCommand.FEED + " is the feed this task verifies");
        }
        Interval iv = interval.interval();
        DropPlan plan;
        try {
            plan = DropFolder.open(files.dropDir(), feed, files.ignore()).plan(iv, files.allowMissingDays(),
                    f -> Header.read(f, files.maxDecompressedBytes(), files.maxRecordBytes(), files.maxColumns()));
        } catch (IOException e) {
            throw Failures.classify(Failures.Side.FILE, e);
        }
        DbSettings wh = DbSettings.warehouse(config);
        Partition partition = Partition.of(feed, iv);
        try (Connection scratch = wh.connect("shopflow-ingest/verify"); Connection landedSide = wh.connect("shopflow-ingest/verify")) {
            Catalog.ensure(wh, scratch);
            Verification.Published published = Verification.Published.of(scratch, partition);
            if (published == null) {
                throw new IngestException(ErrorCode.USAGE, partition.target() + " has no published partition for " + iv
                        + ": land it first (land-files --feed " + feed + " with the same interval)");
            }
            Map<String, String> ledger = FileLedger.landed(scratch, partition.target(), iv).sha256ByFile();
            List<String> fileChanges = fileChanges(ledger, plan);
            List<String> columns = new ArrayList<>(RawTable.columns(scratch, Catalog.RAW, feed).keySet());
            columns.removeAll(List.of(RawTable.INTERVAL_START, RawTable.INTERVAL_END));
            long read = readDrop(scratch, plan, iv);
            RowSet source = new RowSet(Failures.Side.WAREHOUSE, scratch, rows(Identifiers.quote(SCRATCH), columns, null), null, RowSet.KeyType.TEXT);
            RowSet landed = new RowSet(Failures.Side.WAREHOUSE, landedSide, rows(Identifiers.qualified(Catalog.RAW, feed), columns, iv), null,
                    RowSet.KeyType.TEXT);
            String method = "files re-read with the landing's rules (" + plan.files().size() + " files, " + read
                    + " good rows), count+checksum of " + columns.size() + " columns, bisect on " + Header.KEY;
            fileChanges.forEach(c -> System.out.println("file ledger: " + c));
            RunSummary s = VerifyRun.run(new VerifyRun.Subject(DropLanding.TASK, partition, published, method, List.of(), interval.runId()),
                    source, landed, landedSide, verify, System.out);
            fileChanges.forEach(s.details().putArray("files_changed_since_landing")::add);
            different = s.outcome() == RunSummary.Outcome.DIFFERENT;
            return s;
        } catch (SQLException e) {
            throw Failures.classify(Failures.Side.WAREHOUSE, e);
        }
    }

    /** One row per key of {@code from}, the latest file then line winning, as the landing's dedup keeps it. */
    private static String rows(String from, List<String> columns, Interval iv) {
        StringJoiner values = new StringJoiner(", ", "row(", ")::text");
        columns.forEach(c -> values.add(Identifiers.quote(c)));
        String key = Identifiers.quote(Header.KEY);
        String file = Identifiers.quote(Header.SOURCE_FILE);
        String line = Identifiers.quote(Header.SOURCE_LINE);
        String where = iv == null ? "" : " WHERE " + Identifiers.quote(RawTable.INTERVAL_START) + " = " + Identifiers.literal(iv.start().toString())
                + "::timestamptz AND " + Identifiers.quote(RawTable.INTERVAL_END) + " = " + Identifiers.literal(iv.end().toString()) + "::timestamptz";
        return "SELECT DISTINCT ON (" + key + ") " + key + " AS _k, " + file + " || ':' || " + line + " AS _c, " + values + " AS _r FROM " + from
                + where + " ORDER BY " + key + ", " + file + " DESC, " + line + " DESC";
    }

    /** The drop's good rows into a temporary table shaped like the raw table, as the landing stages them. */
    private long readDrop(Connection c, DropPlan plan, Interval iv) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE " + SCRATCH + " (LIKE " + Identifiers.qualified(Catalog.RAW, feed) + ")");
            s.execute("ALTER TABLE " + SCRATCH + " ALTER COLUMN " + Identifiers.quote(RawTable.INTERVAL_START) + " SET DEFAULT "
                    + Identifiers.literal(iv.start().toString()) + "::timestamptz, ALTER COLUMN " + Identifiers.quote(RawTable.INTERVAL_END)
                    + " SET DEFAULT " + Identifiers.literal(iv.end().toString()) + "::timestamptz");
        }
        Utf8 utf8 = new Utf8();
        long good = 0;
        try (KeyHashes keys = KeyHashes.standard()) {
            CopyRows copy = new CopyRows(keys);
            for (int i = 0; i < plan.files().size(); i++) {
                DropFile f = plan.files().get(i);
                if (f.header().isEmpty()) {
                    continue;
                }
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE " + SCRATCH + " ALTER COLUMN " + Identifiers.quote(Header.SOURCE_FILE) + " SET DEFAULT "
                            + Identifiers.literal(f.name()));
                }
                StringJoiner cols = new StringJoiner(", ", "(", ")");
                StringJoiner notNull = new StringJoiner(", ", "FORCE_NOT_NULL (", ")");
                f.header().forEach(h -> {
                    cols.add(Identifiers.quote(h));
                    notNull.add(Identifiers.quote(h));
                });
                cols.add(Identifiers.quote(Header.SOURCE_LINE));
                PGCopyOutputStream out = new PGCopyOutputStream(c.unwrap(PGConnection.class), "COPY " + SCRATCH + " " + cols
                        + " FROM STDIN (FORMAT csv, " + notNull + ")", 1 << 16);
                try (FileCursor cursor = FileCursor.open(i, f, 1, files.maxDecompressedBytes(), files.maxRecordBytes())) {
                    good += write(cursor, copy, out);
                    out.endCopy();
                } finally {
                    if (out.isActive()) {
                        out.cancelCopy();
                    }
                }
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("ANALYZE " + SCRATCH);
        }
        return good;
    }

    private long write(FileCursor cursor, CopyRows copy, OutputStream out) throws IOException {
        copy.begin(out);
        long good = 0;
        Utf8 utf8 = new Utf8();
        while (cursor.next()) {
            if (FileStager.problem(cursor, files, utf8) == null) {
                copy.write(cursor.reader, cursor.keyField);
                good++;
            }
        }
        copy.finish();
        return good;
    }

    /** Files of the drop that differ from the file ledger of the published partition: re-delivered, new or gone. */
    static List<String> fileChanges(Map<String, String> ledger, DropPlan plan) {
        Map<String, String> now = new TreeMap<>();
        plan.files().forEach(f -> now.put(f.name(), f.sha256()));
        List<String> out = new ArrayList<>();
        now.forEach((name, sha) -> {
            if (!ledger.containsKey(name)) {
                out.add(name + " is new since the landing");
            } else if (!ledger.get(name).equals(sha)) {
                out.add(name + " was re-delivered with other content since the landing");
            }
        });
        ledger.keySet().stream().filter(n -> !now.containsKey(n)).sorted().forEach(n -> out.add(n + " is gone from the drop since the landing"));
        return out;
    }
}
