package com.shopflow.ingest.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.shopflow.ingest.testkit.AppProcess;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code --every P1D}: each feed-day of a range is its own partition, landed as a run of that day alone lands it. */
class LandFilesRangeIT {
    static final Instant D1 = Instant.parse("2026-11-23T00:00:00Z");
    static final Instant D2 = Instant.parse("2026-11-24T00:00:00Z");
    static final Instant D3 = Instant.parse("2026-11-25T00:00:00Z");

    @Test
    void eachDayOfTheRangeIsItsOwnPartitionAndARetryOfTheSameOrchestratorRunSkipsThem() throws Exception {
        Drop drop = Drop.create();
        drop.csv("2026-11-23", 1, Drop.HEADER + "\n" + Drop.rows("A", 1, 40, "2026-11-23"));
        drop.done("2026-11-23");
        drop.csv("2026-11-24", 1, Drop.HEADER + "\n" + Drop.rows("B", 1, 25, "2026-11-24"));
        drop.done("2026-11-24");
        Warehouse wh = new Warehouse("lf_range", drop);
        String[] range = {"--feed", "marketplace_orders", "--start", D1.toString(), "--end", D3.toString(), "--every", "P1D",
                "--run-id", "initial-load-1"};

        AppProcess.Result r = wh.app.run(range);
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode s = new ObjectMapper().readTree(r.lastStdoutLine());
        assertEquals("landed", s.get("outcome").asText());
        assertEquals(65, s.get("rows").asLong());
        JsonNode parts = s.get("details").get("partitions");
        assertEquals(2, parts.size());
        assertEquals(D2.toString(), parts.get(0).get("interval").get("end").asText());
        assertEquals(40, parts.get(0).get("rows").asLong());
        assertEquals(25, parts.get(1).get("rows").asLong());
        assertEquals("landed", parts.get(1).get("outcome").asText());
        assertEquals(40, wh.count("SELECT count(*) FROM raw.marketplace_orders WHERE _interval_start = ? AND _interval_end = ?",
                java.sql.Timestamp.from(D1), java.sql.Timestamp.from(D2)));
        String day1 = wh.checksum(D1, D2);
        String day2 = wh.checksum(D2, D3);

        AppProcess.Result retry = wh.app.run(range);
        assertEquals(0, retry.exitCode(), retry.toString());
        JsonNode again = new ObjectMapper().readTree(retry.lastStdoutLine()).get("details").get("partitions");
        assertEquals("skipped", again.get(0).get("outcome").asText());
        assertEquals("skipped", again.get(1).get("outcome").asText());
        assertEquals(s.get("details").get("partitions").get(1).get("run_id"), again.get(1).get("run_id"));
        assertEquals(2, wh.count("SELECT count(*) FROM _ingest.load_run"), "a skipped partition makes no ledger row");

        // A run of one day alone lands the very same partition.
        AppProcess.Result one = wh.app.env("INGEST_FILES_RELAND_UNCHANGED", "true").run("--feed", "marketplace_orders",
                "--start", D2.toString(), "--end", D3.toString());
        assertEquals(0, one.exitCode(), one.toString());
        assertEquals(day2, wh.checksum(D2, D3));
        assertEquals(day1, wh.checksum(D1, D2));
    }
}
