package com.shopflow.ingest.core.cli;

import com.shopflow.ingest.core.Interval;
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

    public Interval interval() {
        return Interval.parse(start, end);
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
