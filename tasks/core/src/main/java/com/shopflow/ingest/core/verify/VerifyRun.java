package com.shopflow.ingest.core.verify;

import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.cli.RunSummary;
import com.shopflow.ingest.core.landing.Partition;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The part of {@code verify} every task shares once it has its two {@link RowSet}s: the comparison, the ledger row in
 * {@code _ingest.verification}, the readable report on stdout and the run summary (outcome {@code verified} or
 * {@code different}; the caller exits 3 on the latter).
 */
public final class VerifyRun {
    private static final Logger LOG = Logger.getLogger(VerifyRun.class);

    private VerifyRun() {
    }

    /** What a task knows of the partition it verifies. */
    public record Subject(String task, Partition partition, Verification.Published published, String method,
                          List<String> columnsNotCompared, String orchestratorRunId) {
    }

    public static RunSummary run(Subject subject, RowSet source, RowSet landed, Connection warehouse, VerifyOptions options, PrintStream out)
            throws SQLException {
        long t0 = System.nanoTime();
        DiffReport report = new PartitionDiff(source, landed, options.limit()).run(options.rows());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Verification v = new Verification(UUID.randomUUID(), subject.task(), subject.partition(), subject.method(),
                subject.published() == null ? null : subject.published().runId(), subject.orchestratorRunId(), report,
                subject.columnsNotCompared(), millis);
        if (!warehouse.getAutoCommit()) {
            warehouse.commit();
        }
        v.record(warehouse);
        String target = subject.partition().target();
        Interval interval = subject.partition().interval();
        LOG.infof("verified %s %s in %d ms: %s (%d round trips)", target, interval, millis, v.outcome(), report.roundTrips());
        out.println("Verification of " + target + " " + interval + " against its source (" + subject.method() + ")");
        if (!subject.columnsNotCompared().isEmpty()) {
            out.println("Columns not compared: " + String.join("; ", subject.columnsNotCompared()));
        }
        report.print(out, target);
        RunSummary s = new RunSummary(subject.task(), target, interval)
                .outcome(report.equal() ? RunSummary.Outcome.VERIFIED : RunSummary.Outcome.DIFFERENT)
                .rows(report.landedRows())
                .runId(v.id())
                .phase("verify", millis)
                .put("method", subject.method())
                .put("source_rows", report.sourceRows())
                .put("landed_rows", report.landedRows());
        if (subject.published() != null) {
            s.put("partition_run_id", subject.published().runId().toString());
            s.put("partition_published_at", subject.published().publishedAt().toString());
            s.schemaVersion(subject.published().schemaVersion());
        }
        subject.columnsNotCompared().forEach(s.details().putArray("columns_not_compared")::add);
        s.details().set("verify", report.toJson());
        return s;
    }
}
