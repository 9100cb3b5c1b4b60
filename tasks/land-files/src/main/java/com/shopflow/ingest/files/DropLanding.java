package com.shopflow.ingest.files;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.RetryPolicy;
import com.shopflow.ingest.core.current.CurrentTable;
import com.shopflow.ingest.core.cli.IntervalOptions;
import com.shopflow.ingest.core.cli.RunSummary;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.config.IngestConfig;
import com.shopflow.ingest.core.landing.Catalog;
import com.shopflow.ingest.core.landing.Column;
import com.shopflow.ingest.core.landing.Dedup;
import com.shopflow.ingest.core.landing.Landing;
import com.shopflow.ingest.core.landing.Partition;
import com.shopflow.ingest.core.landing.PendingQuarantine;
import com.shopflow.ingest.core.landing.PartitionNames;
import com.shopflow.ingest.core.landing.RawTable;
import com.shopflow.ingest.core.landing.SchemaPolicy;
import com.shopflow.ingest.core.landing.Shape;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * One run of land-files: plans the drop of the interval, skips the run when every file equals the file ledger
 * of the published partition, otherwise stages every file through the core {@link Landing} and publishes the
 * partition with its file ledger and quarantine, keeping one row per {@code order_ref} (the latest file, then
 * the latest line, wins).
 */
final class DropLanding {
    private static final Logger LOG = Logger.getLogger(DropLanding.class);
    static final String TASK = "land-files";
    /** Sorted as bytes whatever the database's collation, so file order is delivery order in the dedup. */
    static final Column SOURCE_FILE = new Column(Header.SOURCE_FILE, "text COLLATE \"C\"");
    static final Column SOURCE_LINE = new Column(Header.SOURCE_LINE, "bigint");

    private final String feed;
    private final Interval interval;
    private final IntervalOptions options;
    private final IngestConfig config;
    private final FilesConfig files;

    /** @param interval the partition to land: the run's interval, or one day of an {@code --every} range */
    DropLanding(String feed, Interval interval, IntervalOptions options, IngestConfig config, FilesConfig files) {
        this.feed = feed;
        this.interval = interval;
        this.options = options;
        this.config = config;
        this.files = files;
    }

    String target() {
        return Catalog.RAW + "." + feed;
    }

    RunSummary run() throws Exception {
        Interval iv = interval;
        long began = System.nanoTime();
        int maxColumns = maxColumns();
        DropFolder drop = DropFolder.open(files.dropDir(), feed, files.ignore());
        DropPlan plan;
        try {
            plan = drop.plan(iv, files.allowMissingDays(),
                    f -> Header.read(f, files.maxDecompressedBytes(), files.maxRecordBytes(), maxColumns));
        } catch (java.io.IOException e) {
            throw Failures.classify(Failures.Side.FILE, e);
        }
        List<String> columns = columns(plan);
        long planned = System.nanoTime();
        LOG.infof("%s %s: %d days, %d files, %d stray entries ignored (planned in %.1f s)", target(), iv, plan.days().size(),
                plan.files().size(), plan.stray().size(), (planned - began) / 1e9);
        if (options.dryRun()) {
            return summary(iv, plan).phase("plan", (planned - began) / 1_000_000);
        }
        DbSettings wh = DbSettings.warehouse(config);
        FileLedger.Landed before = previous(wh, iv, plan, maxColumns);
        if (before != null && !files.relandUnchanged() && before.sha256ByFile().equals(shaByFile(plan))) {
            LOG.infof("every file of %s %s equals the file ledger of the published partition; nothing to do", target(), iv);
            RunSummary s = summary(iv, plan).outcome(RunSummary.Outcome.UNCHANGED).rows(before.rows())
                    .partition(Catalog.PARTITIONS + "." + PartitionNames.of(feed, iv).published())
                    .phase("plan", (planned - began) / 1_000_000).put("bad_rows", before.badRows()).put("duplicates_removed", 0);
            delivery(s, plan, before);
            return s;
        }
        Landing.Request req = Landing.Request.of(config.landing(), TASK, feed,
                new Shape(columns.stream().map(c -> new Column(c, "text")).toList()), List.of(SOURCE_FILE, SOURCE_LINE), iv,
                SchemaPolicy.NULL_FILL, options.runId());
        RetryPolicy retry = RetryPolicy.from(config.retry());
        Landing landing = Landing.open(wh, req);
        try (landing; PendingQuarantine pending = new PendingQuarantine(PendingQuarantine.Table.FILES, wh, Partition.of(feed, iv), TASK)) {
            FileStager stager = new FileStager(landing, plan, planDigest(plan), files, config.landing().chunkRows(),
                    config.landing().lanes(), pending, retry);
            long t0 = System.nanoTime();
            StagePosition done = stager.run();
            long t1 = System.nanoTime();
            LOG.infof("staged %d files in %.1f s (%d bad rows quarantined)", plan.files().size(), (t1 - t0) / 1e9, done.totalBad());
            java.util.Set<String> suspects = stager.duplicateSuspects();
            LOG.infof("%s", suspects == null ? "keys that may repeat: unknown (rows staged by an earlier attempt); the whole partition is searched"
                    : suspects.size() + " keys may repeat");
            Landing.Published p = landing.publish(new Dedup(List.of(Header.KEY), List.of(Header.SOURCE_FILE, Header.SOURCE_LINE),
                            suspects),
                    watermark(plan), CurrentTable.around(config.landing(), RebuildCurrent.of(feed), iv, (c, runId) -> {
                        FileLedger.replace(c, runId, target(), iv, plan.files(), done);
                        pending.publish(c, runId);
                    }));
            LOG.infof("deduplicated and published in %.1f s", (System.nanoTime() - t1) / 1e9);
            RunSummary s = summary(iv, plan).rows(p.rows()).partition(p.partitionTable()).schemaVersion(p.schemaVersion())
                    .attempt(landing.attempt()).runId(landing.runId()).phase("plan", (planned - began) / 1_000_000)
                    .phase("stage", (t1 - t0) / 1_000_000).phase("publish", (System.nanoTime() - t1) / 1_000_000)
                    .put("bad_rows", done.totalBad()).put("duplicates_removed", p.duplicatesRemoved());
            delivery(s, plan, before);
            return s;
        } catch (Exception e) {
            IngestException ie = e instanceof IngestException x ? x : Failures.fromDatabase("warehouse", ErrorCode.WAREHOUSE_UNAVAILABLE, e);
            landing.fail(ie);
            throw ie;
        }
    }

    /** The data columns: the union of the headers of every file, in first-seen order. */
    static List<String> columns(DropPlan plan) {
        Set<String> all = new LinkedHashSet<>();
        for (DropFile f : plan.files()) {
            all.addAll(f.header());
        }
        if (all.isEmpty()) {
            all.add(Header.KEY); // no file has a header yet: the table still gets its key column
        }
        return List.copyOf(all);
    }

    private int maxColumns() {
        int limit = RawTable.MAX_TABLE_COLUMNS - 4; // the landing's four metadata columns
        if (files.maxColumns() < 1 || files.maxColumns() > limit) {
            throw new IngestException(ErrorCode.CONFIG, "INGEST_FILES_MAX_COLUMNS=" + files.maxColumns() + " must be 1.." + limit);
        }
        return files.maxColumns();
    }

    /**
     * Refuses, before any DDL, the first file whose header would bring the raw table past {@code maxColumns} data
     * columns: columns once added stay in the table (and count against PostgreSQL's 1,600 even when dropped).
     */
    private void checkColumnBudget(Connection c, DropPlan plan, int maxColumns) throws SQLException {
        Set<String> have = new LinkedHashSet<>(RawTable.columns(c, Catalog.RAW, feed).keySet());
        have.removeAll(Header.RESERVED);
        for (DropFile f : plan.files()) {
            int before = have.size();
            have.addAll(f.header());
            if (have.size() > maxColumns) {
                throw new IngestException(ErrorCode.DATA, f.name() + ": its header would add " + (have.size() - before)
                        + " columns to " + target() + ", bringing it to " + have.size() + " data columns, past INGEST_FILES_MAX_COLUMNS ("
                        + maxColumns + "). Nothing was landed and no column was added. Have the partner fix the file, raise the cap, "
                        + "or list the file in INGEST_FILES_IGNORE to land the day without it.");
            }
        }
    }

    private FileLedger.Landed previous(DbSettings wh, Interval iv, DropPlan plan, int maxColumns) {
        try (Connection c = wh.connect("shopflow-ingest/" + TASK)) {
            checkEncoding(c);
            checkColumnBudget(c, plan, maxColumns);
            return FileLedger.catalogExists(c) ? FileLedger.landed(c, target(), iv) : null;
        } catch (SQLException e) {
            throw Failures.fromDatabase("warehouse", ErrorCode.WAREHOUSE_UNAVAILABLE, e);
        }
    }

    private static void checkEncoding(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_encoding")) {
            rs.next();
            if (!"UTF8".equalsIgnoreCase(rs.getString(1))) {
                throw new IngestException(ErrorCode.CONFIG, "the warehouse database is encoded " + rs.getString(1)
                        + "; land-files needs UTF8 to keep file text exactly as written");
            }
        }
    }

    private static Map<String, String> shaByFile(DropPlan plan) {
        return plan.files().stream().collect(Collectors.toMap(DropFile::name, DropFile::sha256, (a, b) -> a,
                java.util.LinkedHashMap::new));
    }

    /** Identifies the exact set of files (names and contents) a checkpoint was made from. */
    static String planDigest(DropPlan plan) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (DropFile f : plan.files()) {
            md.update(f.name().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(f.sha256().getBytes(StandardCharsets.US_ASCII));
            md.update((byte) '\n');
        }
        return HexFormat.of().formatHex(md.digest(), 0, 16);
    }

    private static String watermark(DropPlan plan) {
        return plan.files().isEmpty() ? null : plan.files().get(plan.files().size() - 1).name();
    }

    private RunSummary summary(Interval iv, DropPlan plan) {
        RunSummary s = new RunSummary(TASK, target(), iv);
        s.put("feed", feed);
        ArrayNode days = s.details().putArray("days");
        plan.days().forEach(d -> days.add(d.toString()));
        if (!plan.emptyDays().isEmpty()) {
            ArrayNode empty = s.details().putArray("missing_days_landed_empty");
            plan.emptyDays().forEach(d -> empty.add(d.toString()));
        }
        ObjectNode f = s.details().putObject("files");
        f.put("landed", plan.files().size());
        f.put("stray", plan.stray().size());
        ArrayNode stray = s.details().putArray("stray_files");
        plan.stray().stream().limit(50).forEach(stray::add);
        return s;
    }

    /** New, changed (re-delivered with other content), unchanged and vanished files against the file ledger. */
    private static void delivery(RunSummary s, DropPlan plan, FileLedger.Landed before) {
        Map<String, String> old = before == null ? Map.of() : before.sha256ByFile();
        List<String> changed = new ArrayList<>();
        int added = 0;
        int same = 0;
        for (DropFile f : plan.files()) {
            String sha = old.get(f.name());
            if (sha == null) {
                added++;
            } else if (sha.equals(f.sha256())) {
                same++;
            } else {
                changed.add(f.name());
            }
        }
        long gone = old.keySet().stream().filter(n -> plan.files().stream().noneMatch(f -> f.name().equals(n))).count();
        ObjectNode f = (ObjectNode) s.details().get("files");
        f.put("new", added);
        f.put("changed", changed.size());
        f.put("unchanged", same);
        f.put("removed", gone);
        if (!changed.isEmpty()) {
            LOG.infof("re-delivered with new content, partition re-landed: %s", changed);
            ArrayNode a = s.details().putArray("changed_files");
            changed.forEach(a::add);
        }
    }
}
