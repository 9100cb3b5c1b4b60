package com.shopflow.ingest.core.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.Json;
import com.shopflow.ingest.core.Redaction;
import java.util.List;
import java.util.UUID;

/**
 * The one JSON object a run prints as its last line on stdout (and hands to Airflow as XCom), the same schema for
 * every task and every outcome: each key of {@link #FIELDS} is always present, null when it does not apply to this
 * run. Task-specific counts live under {@code details}, by their own names ({@link #put}); durations under
 * {@code timings}. The README documents every field. Built with Jackson's tree model: no reflection, so it works
 * the same in a native image.
 */
public final class RunSummary {
    /** Bumped when a field changes meaning or goes away; new fields and new detail keys do not bump it. */
    public static final int VERSION = 1;

    /** The top-level keys of every summary, in the order they are printed. */
    public static final List<String> FIELDS = List.of("summary_version", "task", "target", "interval", "outcome", "rows",
            "partition", "schema_version", "attempt", "try_number", "run_id", "error", "timings", "details");

    /** What the run did; the JSON value is {@link #json()}. */
    public enum Outcome {
        /** The partition was published (replaced). */
        LANDED("landed"),
        /** Nothing changed: the published partition already holds exactly this input (land-files' unchanged drop). */
        UNCHANGED("unchanged"),
        /** {@code --dry-run}: validated, nothing written. */
        DRY_RUN("dry-run"),
        /**
         * One partition of an {@code --every} range, published earlier by the same orchestrator run ({@code --run-id}):
         * not landed again. Only in {@code details.partitions}, never the run's own outcome.
         */
        SKIPPED("skipped"),
        /** {@code verify}: the partition equals its source (counts and checksums agree). */
        VERIFIED("verified"),
        /** {@code verify}: the partition differs from its source; {@code details.verify} says where (exit 3). */
        DIFFERENT("different"),
        /** The run failed; {@code error} says why. */
        FAILED("failed");

        private final String json;

        Outcome(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    private final ObjectNode node = Json.mapper().createObjectNode();
    private final ObjectNode timings;
    private final ObjectNode details;

    public RunSummary(String task, String target, Interval interval) {
        for (String field : FIELDS) {
            node.putNull(field);
        }
        node.put("summary_version", VERSION);
        node.put("task", task);
        node.put("target", target);
        if (interval != null) {
            ObjectNode i = node.putObject("interval");
            i.put("start", interval.start().toString());
            i.put("end", interval.end().toString());
        }
        timings = node.putObject("timings");
        details = node.putObject("details");
    }

    /** Rows in the partition this run published (or found unchanged). */
    public RunSummary rows(long rows) {
        node.put("rows", rows);
        return this;
    }

    /** The published partition's table, {@code raw_partitions.<table>__<start>__<end>}. */
    public RunSummary partition(String qualifiedTable) {
        node.put("partition", qualifiedTable);
        return this;
    }

    /** The raw table's schema version the partition was landed with ({@code _ingest.schema_history}). */
    public RunSummary schemaVersion(int version) {
        node.put("schema_version", version);
        return this;
    }

    /** The ledger's attempt number for this partition: 1 + the earlier {@code _ingest.load_run} rows of (target, interval). */
    public RunSummary attempt(int attempt) {
        node.put("attempt", attempt);
        return this;
    }

    /** The ledger row of this attempt, {@code _ingest.load_run.run_id}. */
    public RunSummary runId(UUID runId) {
        node.put("run_id", runId.toString());
        return this;
    }

    /** The orchestrator's try number (Airflow's {@code ti.try_number}); null leaves the field null. */
    public RunSummary tryNumber(Integer tryNumber) {
        if (tryNumber == null) {
            node.putNull("try_number");
        } else {
            node.put("try_number", tryNumber.intValue());
        }
        return this;
    }

    public RunSummary outcome(Outcome outcome) {
        node.put("outcome", outcome.json());
        return this;
    }

    /** The outcome set so far, or null. */
    public Outcome outcome() {
        String v = node.path("outcome").asText(null);
        for (Outcome o : Outcome.values()) {
            if (o.json().equals(v)) {
                return o;
            }
        }
        return null;
    }

    /** Marks the run failed: {@code error.code}, {@code retryable}, {@code exit_code} and the (scrubbed) one-line message. */
    public RunSummary failed(ErrorCode code, boolean retryable, int exitCode, String message) {
        outcome(Outcome.FAILED);
        ObjectNode error = node.putObject("error");
        error.put("code", code.name());
        error.put("retryable", retryable);
        error.put("exit_code", exitCode);
        error.put("message", Redaction.scrub(message));
        return this;
    }

    /** A duration under {@code timings}, as {@code <phase>_ms}: e.g. {@code phase("stage", ms)} gives {@code stage_ms}. */
    public RunSummary phase(String phase, long millis) {
        timings.put(phase + "_ms", millis);
        return this;
    }

    /** A task-specific count or value under {@code details}. */
    public RunSummary put(String key, long value) {
        details.put(detailKey(key), value);
        return this;
    }

    public RunSummary put(String key, String value) {
        details.put(detailKey(key), value);
        return this;
    }

    public RunSummary put(String key, boolean value) {
        details.put(detailKey(key), value);
        return this;
    }

    /** The {@code details} object, for task-specific lists and nested objects. */
    public ObjectNode details() {
        return details;
    }

    /** Read-only use (lineage events); writers go through the typed setters so the schema stays one. */
    ObjectNode node() {
        return node;
    }

    public String toJson() {
        return node.toString();
    }

    /** A schema field set through put() would hide in details and leave the field null: refuse it loudly. */
    private static String detailKey(String key) {
        if (FIELDS.contains(key) || "duration_ms".equals(key)) {
            throw new IllegalArgumentException("'" + key + "' is a field of the run summary schema, not a detail: use its setter");
        }
        return key;
    }
}
