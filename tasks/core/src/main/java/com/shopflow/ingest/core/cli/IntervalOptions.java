package com.shopflow.ingest.core.cli;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import java.time.Duration;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options every task shares. Timestamps are taken as strings and parsed by {@link Interval} (no picocli
 * java.time converters: they rely on reflection that a native image would not have).
 */
public class IntervalOptions {
    @Option(names = "--start", paramLabel = "<ts>",
            description = "Start of the interval, inclusive: ISO-8601 with offset, e.g. 2026-11-23T00:00:00+00:00")
    String start;

    @Option(names = "--end", paramLabel = "<ts>",
            description = "End of the interval, exclusive: ISO-8601 with offset")
    String end;

    @Option(names = "--every", paramLabel = "<duration>",
            description = "Land [start, end) as consecutive partitions of this ISO-8601 length (P1D, PT1H, P1M) in one run, each with"
                    + " its own lock, ledger row, checkpoint and publish; end - start must be a whole number of them")
    String every;

    @Option(names = "--run-id", paramLabel = "<id>", defaultValue = "${env:AIRFLOW_CTX_DAG_RUN_ID}",
            description = "Orchestrator run id, recorded in the ledger (default: $AIRFLOW_CTX_DAG_RUN_ID)")
    String runId;

    @Option(names = "--try-number", paramLabel = "<n>", defaultValue = "${env:AIRFLOW_CTX_TRY_NUMBER}",
            description = "Orchestrator try number, reported in the summary as try_number (default: $AIRFLOW_CTX_TRY_NUMBER)")
    String tryNumber;

    @Option(names = "--xcom", description = "Also write the JSON summary to the XCom file (by default only when /airflow/xcom exists)")
    boolean xcom;

    @Option(names = "--dry-run", description = "Connect, validate and print what would be landed, without writing")
    boolean dryRun;

    @Option(names = "--debug", description = "Print stack traces of failures")
    boolean debug;

    /** The whole interval {@code [start, end)}: the one partition of a run, or the range split by {@code --every}. */
    public Interval interval() {
        return Interval.parse(start, end);
    }

    /** The most partitions one run takes: enough for 25 years of days, and a bound on a mistyped {@code --every}. */
    public static final int MAX_PARTITIONS = 10_000;

    /**
     * The partitions of this run, in order: {@link #interval()} alone, or with {@code --every} its consecutive pieces, stepped
     * in UTC (so {@code P1D} is a UTC day and {@code P1M} a calendar month).
     */
    public List<Interval> partitions() {
        Interval range = interval();
        if (every == null) {
            return List.of(range);
        }
        TemporalAmount step = step(every);
        List<Interval> out = new ArrayList<>();
        ZonedDateTime at = range.start().atZone(ZoneOffset.UTC);
        while (at.toInstant().isBefore(range.end())) {
            ZonedDateTime next = at.plus(step);
            if (next.toInstant().isAfter(range.end())) {
                throw new IngestException(ErrorCode.USAGE, "--every " + every + " does not divide [" + range.start() + ", " + range.end()
                        + "): the last partition would end at " + next.toInstant() + "; choose --end on a boundary");
            }
            out.add(new Interval(at.toInstant(), next.toInstant()));
            if (out.size() > MAX_PARTITIONS) {
                throw new IngestException(ErrorCode.USAGE, "--every " + every + " makes more than " + MAX_PARTITIONS
                        + " partitions of [" + range.start() + ", " + range.end() + "): split the range into several runs");
            }
            at = next;
        }
        return List.copyOf(out);
    }

    /** True when the run lands a range of partitions ({@code --every}): its summary lists them. */
    public boolean everyGiven() {
        return every != null;
    }

    private static TemporalAmount step(String text) {
        String t = text.strip().toUpperCase(java.util.Locale.ROOT);
        try {
            if (t.contains("T")) {
                Duration d = Duration.parse(t);
                if (d.isNegative() || d.isZero() || d.toNanos() % 1000 != 0) {
                    throw new IngestException(ErrorCode.USAGE, "--every " + text + " must be positive and in whole microseconds");
                }
                return d;
            }
            Period p = Period.parse(t);
            if (p.isNegative() || p.isZero()) {
                throw new IngestException(ErrorCode.USAGE, "--every " + text + " must be positive");
            }
            return p;
        } catch (DateTimeParseException e) {
            throw new IngestException(ErrorCode.USAGE, "--every '" + text + "' is not an ISO-8601 duration (P1D, PT1H, P1M)");
        }
    }

    public String runId() {
        return runId == null || runId.isBlank() ? null : runId;
    }

    /**
     * The orchestrator's try number, or null when absent or not a positive integer: it only informs the summary,
     * so a malformed value from the environment never fails a landing.
     */
    public Integer tryNumber() {
        if (tryNumber == null || tryNumber.isBlank()) {
            return null;
        }
        try {
            int n = Integer.parseInt(tryNumber.strip());
            return n > 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public boolean dryRun() {
        return dryRun;
    }

    public boolean xcom() {
        return xcom;
    }

    public boolean debug() {
        return debug;
    }

    public String rawStart() {
        return start;
    }

    public String rawEnd() {
        return end;
    }
}
