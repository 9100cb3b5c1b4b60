package com.shopflow.ingest.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every summary TaskRunner prints, landed, dry-run or failed, has the same top-level keys in the same order. */
class RunSummaryTest {
    static final String START = "2026-11-23T00:00:00+00:00";
    static final String END = "2026-11-24T00:00:00+00:00";

    @TempDir
    Path dir;

    @Test
    void landedDryRunAndFailedSummariesShareOneSchema() throws Exception {
        JsonNode landed = run(options(START, END, false, "3"), () -> new RunSummary("extract-db", "raw.orders",
                com.shopflow.ingest.core.Interval.parse(START, END)).rows(42).partition("raw_partitions.orders__x").schemaVersion(1)
                .attempt(2).runId(UUID.randomUUID()).put("rows_read", 42).phase("stage", 5));
        JsonNode dry = run(options(START, END, true, null), () -> new RunSummary("extract-db", "raw.orders",
                com.shopflow.ingest.core.Interval.parse(START, END)).put("rows_in_source", 42));
        JsonNode failed = run(options(START, END, false, "1"), () -> {
            throw new IngestException(ErrorCode.LOCKED, "raw.orders [..) is held by another run");
        });
        JsonNode badInterval = run(options("yesterday", END, false, null), () -> {
            throw new AssertionError("the body must not run when the interval is invalid");
        });
        for (JsonNode n : List.of(landed, dry, failed, badInterval)) {
            assertEquals(RunSummary.FIELDS, keys(n), n.toString());
            assertEquals(RunSummary.VERSION, n.get("summary_version").asInt());
            assertTrue(n.get("timings").get("duration_ms").isNumber(), n.toString());
            assertTrue(n.get("details").isObject(), n.toString());
        }

        assertEquals("landed", landed.get("outcome").asText());
        assertEquals(42, landed.get("rows").asLong());
        assertEquals(2, landed.get("attempt").asInt());
        assertEquals(3, landed.get("try_number").asInt());
        assertEquals(42, landed.get("details").get("rows_read").asLong());
        assertEquals(5, landed.get("timings").get("stage_ms").asLong());
        assertTrue(landed.get("error").isNull());
        assertEquals(START.replace("+00:00", "Z"), landed.get("interval").get("start").asText());

        assertEquals("dry-run", dry.get("outcome").asText());
        assertTrue(dry.get("rows").isNull() && dry.get("attempt").isNull() && dry.get("try_number").isNull(), dry.toString());

        assertEquals("failed", failed.get("outcome").asText());
        assertTrue(failed.get("rows").isNull() && failed.get("partition").isNull(), failed.toString());
        assertEquals(1, failed.get("try_number").asInt());
        JsonNode error = failed.get("error");
        assertEquals(List.of("code", "retryable", "exit_code", "message"), keys(error));
        assertEquals("LOCKED", error.get("code").asText());
        assertTrue(error.get("retryable").asBoolean());
        assertEquals(1, error.get("exit_code").asInt());

        assertEquals("USAGE", badInterval.get("error").get("code").asText());
        assertTrue(badInterval.get("interval").isNull(), badInterval.toString());
    }

    @Test
    void unchangedIsKeptAndTryNumberIsLenient() throws Exception {
        JsonNode unchanged = run(options(START, END, false, "not-a-number"), () -> new RunSummary("land-files",
                "raw.marketplace_orders", com.shopflow.ingest.core.Interval.parse(START, END)).outcome(RunSummary.Outcome.UNCHANGED).rows(7));
        assertEquals("unchanged", unchanged.get("outcome").asText());
        assertTrue(unchanged.get("try_number").isNull(), "a malformed try number is reported as unknown, it fails nothing");
        assertEquals(RunSummary.FIELDS, keys(unchanged));
    }

    @Test
    void schemaFieldsCannotHideInDetails() {
        RunSummary s = new RunSummary("extract-api", "raw.products", null);
        for (String key : List.of("rows", "attempt", "partition", "outcome", "duration_ms")) {
            assertThrows(IllegalArgumentException.class, () -> s.put(key, 1), key);
        }
        s.put("pages", 3).put("more_pages", true).put("feed", "x");
        assertEquals(List.of("pages", "more_pages", "feed"), keys(s.details()));
    }

    private JsonNode run(IntervalOptions options, TaskRunner.Body body) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
             PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            System.setErr(quiet);
            TaskRunner.run("extract-db", "raw.orders", options, dir.resolve("absent/return.json").toString(), body);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
        return com.shopflow.ingest.core.Json.mapper().readTree(lines[lines.length - 1]);
    }

    private static IntervalOptions options(String start, String end, boolean dryRun, String tryNumber) {
        IntervalOptions o = new IntervalOptions();
        o.start = start;
        o.end = end;
        o.dryRun = dryRun;
        o.tryNumber = tryNumber;
        return o;
    }

    private static List<String> keys(JsonNode n) {
        List<String> keys = new ArrayList<>();
        n.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
