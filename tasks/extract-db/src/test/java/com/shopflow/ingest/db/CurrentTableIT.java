package com.shopflow.ingest.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * raw_current.orders kept by the packaged extract-db over a 7-day backfill as the DAG runs it (each day, then the day
 * before again), with rows updated into later days, a late commit into a landed day and a run SIGKILLed mid-way: it
 * equals the table rebuilt from all partitions, and holds the source's latest version of every key.
 */
class CurrentTableIT {
    static final Instant D0 = SourceFixture.DAY1;

    static Instant day(int d) {
        return D0.plus(Duration.ofDays(d));
    }

    @Test
    void theMaintainedTableEqualsTheRebuiltOneAfterASevenDayBackfill() throws Exception {
        SourceFixture f = new SourceFixture("current_backfill");
        // 3,000 orders created over the first day.
        f.sql(f.source, "INSERT INTO orders SELECT g, g % 97, 'new', 'EUR', g / 100.0, ts, ts, ts FROM (SELECT g, '" + D0
                + "'::timestamptz + g * interval '28 s' AS ts FROM generate_series(1, 3000) g) x");
        AppProcess app = f.app().env("INGEST_LANDING_CHUNK_ROWS", "200");
        for (int d = 0; d < 7; d++) {
            if (d > 0) {
                // The day's traffic: a seventh of the orders change status, which moves them out of their earlier day.
                f.sql(f.source, "UPDATE orders SET status = 'status-" + d + "', updated_at = '" + day(d) + "'::timestamptz + (id % 80000) * interval '1 s'"
                        + " WHERE id % 7 = " + d);
            }
            if (d == 4) {
                AppProcess.Running run = app.start(ExtractDbIT.args("orders", day(d), day(d + 1)));
                assertTrue(f.atChunk(run, 1, true), "the run is killed after its first chunk");
            }
            AppProcess.Result landed = app.run(ExtractDbIT.args("orders", day(d), day(d + 1)));
            assertEquals(0, landed.exitCode(), landed.toString());
            if (d > 0) {
                // A late commit: rows dated yesterday, committed after yesterday was landed; the DAG's re-land picks them up.
                f.sql(f.source, "INSERT INTO orders SELECT 10000 + " + d + " * 10 + g, 1, 'late', 'EUR', 1, ts, ts, ts FROM (SELECT g, '"
                        + day(d - 1) + "'::timestamptz + interval '5 h' AS ts FROM generate_series(1, 3) g) x");
                AppProcess.Result again = app.run(ExtractDbIT.args("orders", day(d - 1), day(d)));
                assertEquals(0, again.exitCode(), again.toString());
            }
        }
        String sum = "count(*) || ':' || md5(string_agg(md5(t::text), '' ORDER BY t.id))";
        String maintained = f.text(f.warehouse, "SELECT " + sum + " FROM raw_current.orders t");
        String source = f.text(f.source, "SELECT " + sum + " FROM (SELECT " + ExtractDbIT.ORDER_COLS + " FROM orders WHERE updated_at < '"
                + day(7) + "') t");
        String current = f.text(f.warehouse, "SELECT " + sum + " FROM (SELECT " + ExtractDbIT.ORDER_COLS + " FROM raw_current.orders) t");
        assertEquals(source, current, "each key's current row is the source's latest version");
        AppProcess.Result rebuilt = app.run("rebuild-current", "--table", "orders");
        assertEquals(0, rebuilt.exitCode(), rebuilt.toString());
        assertEquals(maintained, f.text(f.warehouse, "SELECT " + sum + " FROM raw_current.orders t"), "maintained equals rebuilt");
        assertTrue(maintained.startsWith("3018:"), maintained);
    }
}
