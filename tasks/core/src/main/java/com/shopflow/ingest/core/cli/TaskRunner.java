package com.shopflow.ingest.core.cli;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.Json;
import com.shopflow.ingest.core.Redaction;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Runs a task body and turns its outcome into the contract: exit code from the {@link ErrorCode}, one line on
 * stderr saying what went wrong, the JSON summary as the last line of stdout (and in the XCom file).
 */
public final class TaskRunner {
    private static final Logger LOG = Logger.getLogger(TaskRunner.class);

    public interface Body {
        RunSummary run() throws Exception;
    }

    /** A task body that lands the run's partitions ({@code --every}) through {@link PartitionRange#land}. */
    public interface RangeBody {
        RunSummary run(PartitionRange partitions) throws Exception;
    }

    private TaskRunner() {
    }

    public static int run(String task, String target, IntervalOptions options, String xcomFile, Body body) {
        return run(task, target, null, options, xcomFile, body);
    }

    /**
     * @param input the dataset read, for lineage events (null when unknown)
     */
    public static int run(String task, String target, Lineage.Dataset input, IntervalOptions options, String xcomFile, Body body) {
        return runRange(task, target, input, options, xcomFile, partitions -> body.run());
    }

    /** As {@link #run}, for a body that lands each partition of {@code --every}; a failed range's summary lists them too. */
    public static int runRange(String task, String target, Lineage.Dataset input, IntervalOptions options, String xcomFile,
                               RangeBody body) {
        return execute(task, target, input, options, xcomFile, body, Lineage.fromEnvironment());
    }

    /**
     * As {@link #run}, for a run that reads the target and writes no dataset ({@code verify}): it sends no lineage events,
     * since OpenLineage would record it as a job that produced {@code target}.
     */
    public static int check(String task, String target, IntervalOptions options, String xcomFile, Body body) {
        return execute(task, target, null, options, xcomFile, partitions -> body.run(), Lineage.NONE);
    }

    private static int execute(String task, String target, Lineage.Dataset input, IntervalOptions options, String xcomFile, RangeBody body,
                               Lineage lineage) {
        long t0 = System.nanoTime();
        Json.prepare();
        RunSummary summary;
        int exit;
        Interval interval = null;
        PartitionRange partitions = null;
        Lineage.Dataset output = Lineage.postgres(System.getenv("WAREHOUSE_DB_URL"), target);
        MDC.put("task", task);
        MDC.put("target", target);
        try {
            interval = options.interval();
            MDC.put("interval", interval.toString());
            if (!options.dryRun()) {
                lineage.start(task, input, output, interval);
            }
            partitions = new PartitionRange(options);
            summary = body.run(partitions);
            if (summary.outcome() == null) {
                summary.outcome(options.dryRun() ? RunSummary.Outcome.DRY_RUN : RunSummary.Outcome.LANDED);
            }
            exit = 0;
        } catch (Throwable t) {
            IngestException e = t instanceof IngestException ie ? ie
                    : new IngestException(Failures.isTransient(t) ? ErrorCode.TRANSIENT : ErrorCode.INTERNAL,
                            "unexpected failure: " + Failures.oneLine(t), t);
            exit = e.code().exitCode();
            PrintStream err = System.err;
            err.println(task + " failed: " + Redaction.scrub(e.getMessage()));
            if (options.debug()) {
                t.printStackTrace(err);
            } else if (!(t instanceof IngestException) || e.code() == ErrorCode.INTERNAL) {
                LOG.debug("failure detail", t);
            }
            summary = new RunSummary(task, target, interval).failed(e.code(), e.retryable(), exit, e.getMessage());
            if (partitions != null) {
                partitions.addTo(summary);
            }
        }
        summary.tryNumber(options.tryNumber()).phase("duration", (System.nanoTime() - t0) / 1_000_000);
        if (interval != null && !options.dryRun()) {
            if (exit == 0) {
                lineage.complete(task, input, output, interval, summary);
            } else {
                lineage.fail(task, input, output, interval, summary);
            }
        }
        String json = Redaction.scrub(summary.toJson());
        System.out.flush();
        System.out.println(json);
        System.out.flush();
        System.err.flush();
        writeXcom(options, xcomFile, json);
        return exit;
    }

    private static void writeXcom(IntervalOptions options, String xcomFile, String json) {
        Path file = Path.of(xcomFile);
        if (!options.xcom() && (file.getParent() == null || !Files.isDirectory(file.getParent()))) {
            return;
        }
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warnf("could not write the XCom file %s: %s", xcomFile, e.getMessage());
        }
    }
}
