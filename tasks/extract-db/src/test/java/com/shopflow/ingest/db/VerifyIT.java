package com.shopflow.ingest.db;

import static com.shopflow.ingest.db.SourceFixture.DAY1;
import static com.shopflow.ingest.db.SourceFixture.DAY2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.shopflow.ingest.testkit.AppProcess;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code extract-db verify} through its command line: a clean partition verifies (exit 0), a partition tampered with
 * in the warehouse is reported with exactly the keys touched (exit 3), a source that moved on is told apart.
 */
class VerifyIT {
    static final ObjectMapper JSON = new ObjectMapper();

    static String[] verify(String... more) {
        String[] base = {"verify", "--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString()};
        String[] out = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    /** key -> kind of the summary's listed keys. */
    static Map<String, String> keys(AppProcess.Result r) throws Exception {
        JsonNode v = JSON.readTree(r.lastStdoutLine()).path("details").path("verify");
        Map<String, String> out = new TreeMap<>();
        v.path("keys").forEach(k -> out.put(k.path("key").asText(), k.path("kind").asText()));
        return out;
    }

    @Test
    void aCleanPartitionVerifiesAndATamperedOneIsReportedWithExactlyTheKeysTouched() throws Exception {
        SourceFixture f = new SourceFixture("verify_tamper");
        f.orders(1, 3000);
        AppProcess app = f.app();
        AppProcess.Result landed = app.run(ExtractDbIT.args("orders", DAY1, DAY2));
        assertEquals(0, landed.exitCode(), landed.toString());

        AppProcess.Result clean = app.run(verify());
        assertEquals(0, clean.exitCode(), clean.toString());
        JsonNode summary = JSON.readTree(clean.lastStdoutLine());
        assertEquals("verified", summary.path("outcome").asText());
        assertEquals(3000, summary.path("details").path("verify").path("source_rows").asLong());
        assertTrue(summary.path("details").path("verify").path("equal").asBoolean());
        assertTrue(clean.stdout().contains("EQUAL"), clean.stdout());

        String partition = "raw.orders WHERE _interval_start = '" + DAY1 + "'";
        f.sql(f.warehouse, "DELETE FROM " + partition.replace("WHERE", "WHERE id = 1234 AND"));
        f.sql(f.warehouse, "INSERT INTO raw.orders SELECT 999999, customer_id, status, currency, total_amount, placed_at, created_at, updated_at,"
                + " _interval_start, _interval_end FROM " + partition.replace("WHERE", "WHERE id = 7 AND"));
        f.sql(f.warehouse, "UPDATE raw.orders SET total_amount = total_amount + 0.01 WHERE id = 2500");
        f.sql(f.warehouse, "UPDATE raw.orders SET status = NULL WHERE id = 42");
        AppProcess.Result tampered = app.run(verify("--rows"));
        assertEquals(3, tampered.exitCode(), tampered.toString());
        assertEquals("different", JSON.readTree(tampered.lastStdoutLine()).path("outcome").asText());
        assertEquals(Map.of("1234", "missing", "999999", "extra", "2500", "different", "42", "different"), keys(tampered));
        JsonNode report = JSON.readTree(tampered.lastStdoutLine()).path("details").path("verify");
        assertTrue(report.path("levels").asInt() >= 2, "3,000 rows are narrowed down in more than one level: " + report);
        assertTrue(report.path("round_trips").asInt() < 60, report.toString());
        for (JsonNode k : report.path("keys")) {
            if (k.path("key").asText().equals("42")) {
                assertTrue(k.path("landed_row").asText().contains(",,") && !k.path("source_row").asText().contains(",,"), k.toString());
            }
        }
        assertTrue(tampered.stdout().contains("DIFFERENT (1 missing, 1 extra, 2 different)"), tampered.stdout());
        assertEquals("equal|0|0|0,different|1|1|2", f.text(f.warehouse, "SELECT string_agg(outcome || '|' || missing || '|' || extra || '|' || different,"
                + " ',' ORDER BY verified_at) FROM _ingest.verification WHERE target = 'raw.orders'"));

        AppProcess.Result inspect = app.run("inspect", "--table", "orders");
        assertTrue(inspect.stdout().contains("different (1/1/2) "), inspect.stdout());

        // Re-landing repairs it; the current table follows, and equals its rebuild.
        assertEquals(0, app.run(ExtractDbIT.args("orders", DAY1, DAY2)).exitCode());
        assertEquals(0, app.run(verify()).exitCode());
        assertTrue(app.run("inspect", "--table", "orders").stdout().contains(" equal "));
        String current = "SELECT count(*) || ':' || md5(string_agg(c::text, ',' ORDER BY id)) FROM raw_current.orders c";
        String maintained = f.text(f.warehouse, current);
        assertTrue(maintained.startsWith("3000:"), maintained);
        AppProcess.Result rebuilt = app.run("rebuild-current", "--table", "orders");
        assertEquals(0, rebuilt.exitCode(), rebuilt.toString());
        assertTrue(rebuilt.stdout().contains("3000 keys"), rebuilt.stdout());
        assertEquals(maintained, f.text(f.warehouse, current));
    }

    @Test
    void aSourceThatMovedOnSinceTheLandingIsReportedAsSuch() throws Exception {
        SourceFixture f = new SourceFixture("verify_moved");
        f.orders(1, 500);
        AppProcess app = f.app();
        assertEquals(0, app.run(ExtractDbIT.args("orders", DAY1, DAY2)).exitCode());
        f.sql(f.source, "UPDATE orders SET status = 'refunded', updated_at = '" + DAY2.plusSeconds(3600) + "' WHERE id = 10");
        f.sql(f.source, "UPDATE orders SET status = 'refunded', updated_at = updated_at + interval '1 second' WHERE id = 20");
        f.sql(f.source, "DELETE FROM orders WHERE id = 30");
        f.sql(f.source, "ALTER TABLE orders ADD COLUMN channel text DEFAULT 'web'");
        AppProcess.Result r = app.run(verify());
        assertEquals(3, r.exitCode(), r.toString());
        assertEquals(Map.of("10", "extra", "20", "different", "30", "extra"), keys(r));
        assertTrue(r.stdout().contains("moved out of the interval: the source's cursor is now " + "2026-11-24 01:00:00+00"), r.stdout());
        assertTrue(r.stdout().contains("not in the source any more"), r.stdout());
        assertTrue(r.stdout().contains("changed in the source since the landing"), r.stdout());
        assertTrue(r.stdout().contains("channel (new in the source, not landed yet)"), r.stdout());
    }

    @Test
    void anIntervalNeverLandedIsAUsageError() throws Exception {
        SourceFixture f = new SourceFixture("verify_none");
        f.orders(1, 10);
        AppProcess.Result r = f.app().run(verify());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("has no published partition"), r.stderr());
    }
}
