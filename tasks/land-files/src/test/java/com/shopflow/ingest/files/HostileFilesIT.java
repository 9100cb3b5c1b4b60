package com.shopflow.ingest.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Issue 15: hand-made hostile drops through the packaged land-files and a real PostgreSQL. */
class HostileFilesIT {
    static final String DAY = "2026-11-23";

    private static long rawColumns(Warehouse wh) throws Exception {
        return wh.count("SELECT count(*) FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n "
                + "ON n.oid = t.relnamespace WHERE n.nspname = 'raw' AND t.relname = 'marketplace_orders' AND a.attnum > 0");
    }

    /** Finding 10: system and reserved column names, and too many columns, are data errors naming the file, before any DDL. */
    @Test
    void shouldRejectSystemReservedAndTooManyColumnsBeforeAnyDdl() throws Exception {
        Drop drop = Drop.create();
        drop.csv(DAY, 1, Drop.HEADER + "\n" + Drop.rows("A", 1, 5, DAY));
        drop.done(DAY);
        Warehouse wh = new Warehouse("lf_hostile_cols", drop);
        assertEquals(0, wh.land().exitCode());
        long columns = rawColumns(wh);

        for (String name : List.of("xmin", "ctid", "tableoid", "cmin", "cmax", "xmax", "_source_file", "_SOURCE_LINE", "_interval_end",
                "_ingest_x", "", "x".repeat(64))) {
            drop.csv(DAY, 2, Drop.HEADER + "," + name + "\n" + Drop.rows("B", 1, 2, DAY).replace("\n", ",v\n"));
            AppProcess.Result r = wh.land();
            assertEquals(3, r.exitCode(), name + ": " + r);
            assertTrue(r.firstStderrLine().contains("marketplace_orders_20261123_02.csv"), r.firstStderrLine());
        }
        StringBuilder wide = new StringBuilder(Drop.HEADER);
        StringBuilder row = new StringBuilder(Drop.row("W1", DAY, 1));
        for (int i = 0; i < 1000; i++) {
            wide.append(",c").append(i);
            row.append(",v");
        }
        drop.csv(DAY, 2, wide + "\n" + row + "\n");
        AppProcess.Result r = wh.land();
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("marketplace_orders_20261123_02.csv") && r.firstStderrLine().contains("INGEST_FILES_MAX_COLUMNS"),
                r.firstStderrLine());
        // Under the per-file cap, but past it together with the columns the raw table has already.
        wh.app.env("INGEST_FILES_MAX_COLUMNS", "9");
        drop.csv(DAY, 2, Drop.HEADER + ",d1,d2\n" + Drop.row("W2", DAY, 1) + ",1,2\n");
        drop.csv(DAY, 3, Drop.HEADER + ",d3\n" + Drop.row("W3", DAY, 1) + ",3\n");
        r = wh.land();
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("marketplace_orders_20261123_03.csv"), r.firstStderrLine());
        assertEquals(columns, rawColumns(wh), "no column was added by a rejected file");

        // The operator decides to land the day without the file.
        wh.app.env("INGEST_FILES_IGNORE", "*_02.csv");
        r = wh.land();
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.lastStdoutLine().contains("2026-11-23/marketplace_orders_20261123_02.csv"), r.lastStdoutLine());
    }

    /** Finding 13: names that start like the feed's files but miss its pattern fail the run unless ignored; foreign files stay strays. */
    @Test
    void shouldFailOnNearMissFileNamesUnlessIgnored() throws Exception {
        Drop drop = Drop.create();
        drop.csv(DAY, 1, Drop.HEADER + "\n" + Drop.rows("A", 1, 5, DAY));
        Files.writeString(drop.day(DAY).resolve("README.txt"), "not data");
        Files.writeString(drop.day(DAY).resolve(".DS_Store"), "x");
        drop.done(DAY);
        Warehouse wh = new Warehouse("lf_hostile_names", drop);
        AppProcess.Result ok = wh.land();
        assertEquals(0, ok.exitCode(), ok.toString());
        assertEquals(2, Json.longField(ok.lastStdoutLine(), "stray"), ok.lastStdoutLine());

        String content = Drop.HEADER + "\n" + Drop.rows("N", 1, 3, DAY);
        for (String name : List.of("marketplace_orders_20261123_1.csv", "marketplace_orders_20261123_001.csv",
                "marketplace_orders_20261123_01.CSV", "marketplace_orders_20261123_02.csv.GZ", "marketplace_orders_20261124_02.csv",
                "Marketplace_Orders_20261123_03.csv", "marketplace_orders_20261123_04.txt")) {
            Files.writeString(drop.day(DAY).resolve(name), content);
            AppProcess.Result r = wh.land();
            assertEquals(3, r.exitCode(), name + ": " + r);
            assertTrue(r.firstStderrLine().contains(name), r.firstStderrLine());
            AppProcess.Result dry = wh.app.run(java.time.Duration.ofMinutes(1), "--feed", "marketplace_orders", "--start", Warehouse.START,
                    "--end", Warehouse.END, "--dry-run");
            assertEquals(3, dry.exitCode(), "dry-run says the same: " + dry);
            wh.app.env("INGEST_FILES_IGNORE", name + ",*.tmp");
            AppProcess.Result ignored = wh.land();
            assertEquals(0, ignored.exitCode(), ignored.toString());
            assertTrue(ignored.lastStdoutLine().contains(name), ignored.lastStdoutLine());
            wh.app.env("INGEST_FILES_IGNORE", "*.tmp,*.part");
            Files.delete(drop.day(DAY).resolve(name));
        }
    }

    /** Finding 15: gzip content in a .csv file is named as such; CR-only line ends count lines inside quoted fields too. */
    @Test
    void shouldNameGzipInCsvAndCountCrOnlyLines() throws Exception {
        Drop drop = Drop.create();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write((Drop.HEADER + "\n" + Drop.rows("G", 1, 3, DAY)).getBytes(StandardCharsets.UTF_8));
        }
        drop.bytes(DAY, 1, gz.toByteArray());
        drop.done(DAY);
        Warehouse wh = new Warehouse("lf_hostile_bytes", drop);
        AppProcess.Result r = wh.land();
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("gzip content") && r.firstStderrLine().contains("_01.csv"), r.firstStderrLine());

        // Line 1 header, line 2 a row whose quoted field spans lines 2-4, line 5 the next row.
        String cr = Drop.HEADER + "\r" + "C1,2026-11-23T01:00:00Z,\"a\rb\rc\",SKU-1,1,1.00,EUR\r"
                + "C2,2026-11-23T01:00:00Z,d@x.com,SKU-1,1,1.00,EUR\r";
        drop.csv(DAY, 1, cr);
        r = wh.land();
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("C1:2|C2:5", wh.one("SELECT string_agg(order_ref || ':' || _source_line, '|' ORDER BY order_ref) FROM raw.marketplace_orders"));
    }
}
