package com.shopflow.ingest.db;

import static com.shopflow.ingest.db.SourceFixture.DAY1;
import static com.shopflow.ingest.db.SourceFixture.DAY3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.shopflow.ingest.testkit.AppProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --every}: many consecutive partitions in one run, each with the guarantees of a run of its own. */
class RangeIT {
    static final int PER_DAY = 3000;

    static String[] args(Instant s, Instant e, String every, String... more) {
        List<String> a = new ArrayList<>(List.of("--table", "orders", "--start", s.toString(), "--end", e.toString(), "--every", every));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static List<Instant> bounds(Instant s, Instant e, Duration step) {
        List<Instant> out = new ArrayList<>();
        for (Instant t = s; !t.isAfter(e); t = t.plus(step)) {
            out.add(t);
        }
        return out;
    }

    @Test
    void eachPartitionOfTheRangeIsLandedAsARunOfItsOwnWouldLandItAndTheSummaryListsThem() throws Exception {
        SourceFixture f = new SourceFixture("range");
        f.orders(1, PER_DAY);
        AppProcess app = f.app().env("INGEST_LANDING_CHUNK_ROWS", "300");
        AppProcess.Result r = app.run(args(DAY1, DAY3, "PT6H"));
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode s = new ObjectMapper().readTree(r.lastStdoutLine());
        assertEquals("landed", s.get("outcome").asText());
        assertEquals(DAY1.toString(), s.get("interval").get("start").asText());
        assertEquals(DAY3.toString(), s.get("interval").get("end").asText());
        assertEquals(2L * PER_DAY, s.get("rows").asLong());
        assertTrue(s.get("partition").isNull() && s.get("attempt").isNull() && s.get("run_id").isNull(), r.lastStdoutLine());
        JsonNode parts = s.get("details").get("partitions");
        assertEquals(8, parts.size());
        List<Instant> b = bounds(DAY1, DAY3, Duration.ofHours(6));
        List<String> landedChecksums = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            JsonNode p = parts.get(i);
            assertEquals(b.get(i).toString(), p.get("interval").get("start").asText());
            assertEquals("landed", p.get("outcome").asText());
            assertEquals(1, p.get("attempt").asInt());
            assertEquals(f.sourceTruth("orders", ExtractDbIT.ORDER_COLS, b.get(i), b.get(i + 1)),
                    f.landed("orders", ExtractDbIT.ORDER_COLS, b.get(i), b.get(i + 1)), "partition " + i);
            assertEquals(f.scalar(f.warehouse, "SELECT rows FROM _ingest.partition WHERE interval_start = '" + b.get(i) + "'"),
                    p.get("rows").asLong());
            landedChecksums.add(f.partition("orders", b.get(i), b.get(i + 1)));
        }
        assertEquals(8, f.scalar(f.warehouse, "SELECT count(*) FROM _ingest.load_run WHERE status = 'succeeded'"), "one ledger row per partition");
        assertEquals(0, f.scalar(f.warehouse, "SELECT count(*) FROM _ingest.checkpoint"));
        assertEquals(0, f.scalar(f.warehouse, "SELECT count(*) FROM pg_tables WHERE schemaname = 'raw_partitions' AND tablename LIKE 'stage%'"));

        // The same partitions as runs of one interval each, and as the range run again.
        AppProcess.Result one = app.run(ExtractDbIT.args("orders", b.get(3), b.get(4)));
        assertEquals(0, one.exitCode(), one.toString());
        assertEquals(landedChecksums.get(3), f.partition("orders", b.get(3), b.get(4)));
        AppProcess.Result again = app.run(args(DAY1, DAY3, "PT6H"));
        assertEquals(0, again.exitCode(), again.toString());
        JsonNode againParts = new ObjectMapper().readTree(again.lastStdoutLine()).get("details").get("partitions");
        for (int i = 0; i < 8; i++) {
            assertEquals("landed", againParts.get(i).get("outcome").asText(), "without --run-id every partition is landed again");
            assertEquals(landedChecksums.get(i), f.partition("orders", b.get(i), b.get(i + 1)), "identical on re-run: partition " + i);
        }
        assertEquals(3, againParts.get(3).get("attempt").asInt(), "the range, the run of one interval, the range again");
    }

    @Test
    void aKilledRangeIsResumedByItsRetryWhichSkipsWhatTheSameOrchestratorRunPublished() throws Exception {
        SourceFixture f = new SourceFixture("rangekill");
        f.orders(1, PER_DAY);
        AppProcess app = f.app().env("INGEST_LANDING_CHUNK_ROWS", "20");
        String[] range = args(DAY1, DAY3, "PT1H", "--run-id", "backfill-1");
        AppProcess.Running run = app.start(range);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (run.isAlive() && System.nanoTime() < deadline
                && publishedPartitions(f) < 3) {
            Thread.sleep(2);
        }
        assertTrue(run.isAlive(), "the range ended before the kill point: make the partitions bigger");
        run.kill();
        long published = f.scalar(f.warehouse, "SELECT count(*) FROM _ingest.partition");
        assertTrue(published >= 3 && published < 48, "killed mid-range: " + published);
        // With two lanes (the default) the published days need not be the first ones: the retry skips exactly these.
        String before = f.text(f.warehouse, "SELECT ',' || string_agg(extract(epoch FROM interval_start)::bigint::text, ',') || ',' FROM _ingest.partition");

        AppProcess.Result retry = app.run(range);
        assertEquals(0, retry.exitCode(), retry.toString());
        JsonNode parts = new ObjectMapper().readTree(retry.lastStdoutLine()).get("details").get("partitions");
        assertEquals(48, parts.size());
        long skipped = 0;
        List<Instant> b = bounds(DAY1, DAY3, Duration.ofHours(1));
        for (int i = 0; i < 48; i++) {
            JsonNode p = parts.get(i);
            String outcome = p.get("outcome").asText();
            boolean wasPublished = before.contains("," + b.get(i).getEpochSecond() + ",");
            assertEquals(wasPublished ? "skipped" : "landed", outcome, "partition " + i + " (published before the retry: " + before + ")");
            skipped += outcome.equals("skipped") ? 1 : 0;
            assertEquals(f.sourceTruth("orders", ExtractDbIT.ORDER_COLS, b.get(i), b.get(i + 1)),
                    f.landed("orders", ExtractDbIT.ORDER_COLS, b.get(i), b.get(i + 1)), "partition " + i);
        }
        assertEquals(published, skipped, "skipped exactly the partitions published before the kill: " + before);
        assertEquals(2L * PER_DAY, new ObjectMapper().readTree(retry.lastStdoutLine()).get("rows").asLong());
        // One ledger row per partition and attempt: the skipped ones were not attempted again; the partition being staged at
        // the kill has its killed attempt (marked abandoned) and the retry's.
        assertEquals(48, f.scalar(f.warehouse, "SELECT count(*) FROM _ingest.load_run WHERE status = 'succeeded'"));
        assertEquals(0, f.scalar(f.warehouse, "SELECT count(*) FROM (SELECT interval_start FROM _ingest.load_run"
                + " WHERE status = 'succeeded' GROUP BY 1 HAVING count(*) > 1) x"));
        assertTrue(f.scalar(f.warehouse, "SELECT count(*) FROM _ingest.load_run WHERE error_code = 'ABANDONED'") <= 2, "one per lane at most");
        assertNull(f.text(f.warehouse, "SELECT interval_start::text FROM _ingest.load_run WHERE status = 'running'"));
    }

    /** Partitions published so far; 0 before the run made the bookkeeping schema. */
    private static long publishedPartitions(SourceFixture f) {
        try {
            return f.scalar(f.warehouse, "SELECT count(*) FROM _ingest.partition");
        } catch (java.sql.SQLException e) {
            return 0;
        }
    }

    @Test
    void anEveryThatDoesNotDivideTheRangeIsAUsageError() throws Exception {
        SourceFixture f = new SourceFixture("rangeusage");
        AppProcess.Result r = f.app().run(args(DAY1, DAY3, "PT7H"));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("--every PT7H does not divide"), r.stderr());
    }
}
