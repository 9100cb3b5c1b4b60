package com.shopflow.ingest.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import com.shopflow.ingest.testkit.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The versioned _ingest schema through the command line: a warehouse landed by release 0.1.0 upgrades in place and
 * keeps its partitions and ledger; two first runs at once on an empty warehouse both land.
 * <p>
 * Day one is landed by the 0.1.0 jar when {@code -Dingest.it.old-jar=...} names one (a land-files quarkus-run.jar
 * built from 0.1.0). Otherwise it is landed by this build and the bookkeeping is put back to what 0.1.0 leaves
 * (no Flyway history, no extract-api pending table; core's CatalogTest shows V1 is 0.1.0's DDL).
 */
class CatalogUpgradeIT {
    static final String DAY2 = "2026-11-24";
    static final String START2 = "2026-11-24T00:00:00+00:00";
    static final String END2 = "2026-11-25T00:00:00+00:00";

    @Test
    void aWarehouseLandedByRelease010UpgradesInPlaceAndLandsAgain() throws Exception {
        Drop drop = Drop.create();
        drop.csv(LandFilesIT.DAY, 1, Drop.HEADER + "\n" + Drop.rows("A", 1, 50, LandFilesIT.DAY) + "A999,not enough fields\n");
        drop.done(LandFilesIT.DAY);
        drop.csv(DAY2, 1, Drop.HEADER + "\n" + Drop.rows("B", 1, 30, DAY2));
        drop.done(DAY2);
        Warehouse wh = new Warehouse("lf_upgrade", drop);

        String oldJar = System.getProperty("ingest.it.old-jar", "");
        AppProcess.Result day1;
        if (!oldJar.isEmpty()) {
            day1 = new AppProcess(Path.of(oldJar)).env(wh.app.environment()).run(Duration.ofMinutes(3), "--feed", "marketplace_orders",
                    "--start", Warehouse.START, "--end", Warehouse.END);
        } else {
            day1 = wh.land();
            try (Connection c = wh.connect(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE _ingest.flyway_schema_history; DROP TABLE _ingest.api_quarantine_pending");
            }
        }
        System.out.println("day one landed by " + (oldJar.isEmpty() ? "this build, bookkeeping put back to 0.1.0" : oldJar));
        assertEquals(0, day1.exitCode(), day1.toString());
        assertEquals(0, wh.count("SELECT count(*) FROM pg_tables WHERE schemaname = '_ingest' AND tablename = 'flyway_schema_history'"),
                "day one leaves a 0.1.0 warehouse");
        assertEquals(1, wh.count("SELECT max(version) FROM _ingest.catalog_version"));
        String day1Sum = wh.checksum();
        List<String> ledger = wh.column("SELECT run_id || '|' || status || '|' || rows_landed FROM _ingest.load_run ORDER BY started_at");
        List<String> files = wh.column("SELECT file || '|' || sha256 || '|' || rows_good || '|' || rows_bad FROM _ingest.file_ledger");
        List<String> quarantine = wh.column("SELECT source || '|' || line || '|' || reason FROM _ingest.quarantine");
        String partition = wh.one("SELECT partition_table || '|' || rows || '|' || run_id FROM _ingest.partition");
        assertEquals(1, quarantine.size(), quarantine.toString());

        AppProcess.Result day2 = wh.land(START2, END2);
        assertEquals(0, day2.exitCode(), day2.toString());
        assertEquals("landed", Json.field(day2.lastStdoutLine(), "outcome"));
        assertEquals(30, Json.longField(day2.lastStdoutLine(), "rows"));
        List<String> migrated = (day2.stdout() + day2.stderr()).lines().filter(l -> l.contains("bookkeeping schema")).toList();
        System.out.println("day two: " + migrated);
        assertTrue(migrated.size() == 1 && migrated.get(0).contains("0.1.0, baselined at 1 -> version 3 in ")
                && migrated.get(0).endsWith("(applied: V2, V3)"), day2.toString());
        assertEquals(List.of("1|0.1.0 schema (catalog_version 1)|BASELINE|true", "2|pending quarantine|SQL|true",
                "3|verification|SQL|true"), historyOf(wh), "baselined at 1, then V2 and V3 applied");
        // Day one as it was: rows, partition index, ledger, file ledger, quarantine.
        assertEquals(day1Sum, wh.checksum());
        assertEquals(partition, wh.one("SELECT partition_table || '|' || rows || '|' || run_id FROM _ingest.partition "
                + "WHERE interval_start = ?", java.sql.Timestamp.from(Warehouse.S)));
        assertEquals(ledger, wh.column("SELECT run_id || '|' || status || '|' || rows_landed FROM _ingest.load_run "
                + "WHERE interval_start = ? ORDER BY started_at", java.sql.Timestamp.from(Warehouse.S)));
        assertEquals(files, wh.column("SELECT file || '|' || sha256 || '|' || rows_good || '|' || rows_bad FROM _ingest.file_ledger "
                + "WHERE interval_start = ?", java.sql.Timestamp.from(Warehouse.S)));
        assertEquals(quarantine, wh.column("SELECT source || '|' || line || '|' || reason FROM _ingest.quarantine"));
        assertEquals(30, wh.count("SELECT count(*) FROM raw.marketplace_orders WHERE order_ref LIKE 'B%'"));
        assertEquals(2, wh.count("SELECT count(*) FROM _ingest.partition"));

        // Day one again with the new build, forced: its partition is replaced the same way as before the upgrade.
        AppProcess.Result again = wh.app.env("INGEST_FILES_RELAND_UNCHANGED", "true").run("--feed", "marketplace_orders",
                "--start", Warehouse.START, "--end", Warehouse.END);
        wh.app.env("INGEST_FILES_RELAND_UNCHANGED", "false");
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals(2, Json.longField(again.lastStdoutLine(), "attempt"), again.lastStdoutLine());
        assertEquals(day1Sum, wh.checksum());
        assertEquals(1, wh.count("SELECT count(*) FROM _ingest.quarantine"));

        AppProcess.Result inspect = wh.app.run("inspect", "--table", "marketplace_orders");
        assertEquals(0, inspect.exitCode(), inspect.toString());
        assertTrue(inspect.stdout().contains("Bookkeeping schema _ingest: version 3"), inspect.stdout());
    }

    @Test
    void twoFirstRunsAtOnceOnAnEmptyWarehouseBothLand() throws Exception {
        Drop drop = Drop.create();
        drop.csv(LandFilesIT.DAY, 1, Drop.HEADER + "\n" + Drop.rows("A", 1, 20, LandFilesIT.DAY));
        drop.done(LandFilesIT.DAY);
        drop.csv(DAY2, 1, Drop.HEADER + "\n" + Drop.rows("B", 1, 20, DAY2));
        drop.done(DAY2);
        Warehouse wh = new Warehouse("lf_fresh_twice", drop);
        AppProcess.Running one = wh.app.start("--feed", "marketplace_orders", "--start", Warehouse.START, "--end", Warehouse.END);
        AppProcess.Running two = wh.app.start("--feed", "marketplace_orders", "--start", START2, "--end", END2);
        AppProcess.Result r1 = one.await(Duration.ofMinutes(3));
        AppProcess.Result r2 = two.await(Duration.ofMinutes(3));
        assertEquals(0, r1.exitCode(), r1.toString());
        assertEquals(0, r2.exitCode(), r2.toString());
        System.out.println("two first runs: " + (r1.stdout() + r1.stderr() + r2.stdout() + r2.stderr()).lines()
                .filter(l -> l.contains("bookkeeping schema") || l.contains("flyway")).toList());
        assertEquals(3, wh.count("SELECT count(*) FROM _ingest.flyway_schema_history WHERE type = 'SQL' AND success"), "V1, V2 and V3 once each");
        assertEquals(40, wh.count("SELECT count(*) FROM raw.marketplace_orders"));
        // Not asserted (timings decide nothing): whether the two attempts overlapped, for the log.
        System.out.println("two first runs, started_at..ended_at: " + wh.column("SELECT started_at::text || '..' || ended_at::text"
                + " FROM _ingest.load_run ORDER BY interval_start"));
    }

    static List<String> historyOf(Warehouse wh) throws Exception {
        return wh.column("SELECT coalesce(version, '0') || '|' || description || '|' || type || '|' || success"
                + " FROM _ingest.flyway_schema_history ORDER BY installed_rank");
    }
}
