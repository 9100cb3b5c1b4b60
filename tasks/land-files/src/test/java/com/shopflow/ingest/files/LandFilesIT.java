package com.shopflow.ingest.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.core.cli.RunSummary;
import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The packaged land-files against real files and a real PostgreSQL. */
class LandFilesIT {
    static final String DAY = "2026-11-23";

    @Test
    void shouldLandDriftReorderAndDuplicatesThenDetectRedelivery() throws Exception {
        Drop drop = Drop.create();
        drop.csv(DAY, 1, Drop.HEADER + "\n" + Drop.rows("A", 1, 100, DAY));
        // Second file: columns reordered, a new discount column, A5 corrected, A200 new.
        drop.csv(DAY, 2, "currency,order_ref,discount,quantity,unit_price,sku,customer_email,ordered_at\n"
                + "EUR,A5,1.50,9,10.00,SKU-5,new5@example.com,2026-11-23T11:00:00Z\n"
                + "USD,A200,,1,3.00,SKU-1,x@example.com,2026-11-23T12:00:00Z\n").toFile();
        drop.done(DAY);
        Warehouse wh = new Warehouse("lf_drift", drop);

        AppProcess.Result dry = wh.app.run("--feed", "marketplace_orders", "--start", Warehouse.START, "--end", Warehouse.END, "--dry-run");
        assertEquals(0, dry.exitCode(), dry.toString());
        assertEquals("dry-run", Json.field(dry.lastStdoutLine(), "outcome"));
        assertEquals(RunSummary.FIELDS, Json.keys(dry.lastStdoutLine()), dry.lastStdoutLine());
        assertEquals(2, Json.longField(dry.lastStdoutLine(), "landed"), "the two files a run would land");

        AppProcess.Result r = wh.land();
        assertEquals(0, r.exitCode(), r.toString());
        String json = r.lastStdoutLine();
        assertEquals(101, Json.longField(json, "rows"), json);
        assertEquals(1, Json.longField(json, "duplicates_removed"), json);
        assertEquals("landed", Json.field(json, "outcome"));
        assertEquals(RunSummary.FIELDS, Json.keys(json), json);
        assertEquals(1, Json.longField(json, "attempt"), json);
        assertTrue(Json.field(json, "partition").startsWith("raw_partitions.marketplace_orders__"), json);
        assertTrue(Json.longField(json, "stage_ms") >= 0 && Json.longField(json, "publish_ms") >= 0, json);
        assertEquals("new5@example.com|9|1.50|EUR", wh.one("SELECT customer_email || '|' || quantity || '|' || discount || '|' || currency "
                + "FROM raw.marketplace_orders WHERE order_ref = 'A5'"), "the later file wins, its values under their header names");
        assertEquals("", wh.one("SELECT discount FROM raw.marketplace_orders WHERE order_ref = 'A200'"), "an empty field lands as written");
        assertEquals(99, wh.count("SELECT count(*) FROM raw.marketplace_orders WHERE discount IS NULL"), "a file without the column lands NULL");
        assertEquals("2026-11-23/marketplace_orders_20261123_01.csv|7",
                wh.one("SELECT _source_file || '|' || _source_line FROM raw.marketplace_orders WHERE order_ref = 'A6'"));
        assertEquals("text", wh.one("SELECT data_type FROM information_schema.columns WHERE table_schema = 'raw' "
                + "AND table_name = 'marketplace_orders' AND column_name = 'discount'"));
        assertEquals(2, wh.count("SELECT count(*) FROM _ingest.file_ledger WHERE rows_bad = 0 AND length(sha256) = 64"));
        assertEquals(List.of("100", "2"), wh.column("SELECT rows_good FROM _ingest.file_ledger ORDER BY file"));
        String first = wh.checksum();

        // Unchanged re-delivery: nothing changes, still exit 0.
        AppProcess.Result again = wh.land();
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals("unchanged", Json.field(again.lastStdoutLine(), "outcome"));
        assertEquals(RunSummary.FIELDS, Json.keys(again.lastStdoutLine()), again.lastStdoutLine());
        assertEquals(101, Json.longField(again.lastStdoutLine(), "rows"));
        assertEquals(Json.field(json, "partition"), Json.field(again.lastStdoutLine(), "partition"));
        assertEquals("null", Json.field(again.lastStdoutLine(), "attempt"), "an unchanged drop opens no ledger attempt");
        assertEquals(first, wh.checksum());

        // Forced re-land of the same files: the partition is identical, metadata columns included.
        AppProcess.Result forced = wh.app.env("INGEST_FILES_RELAND_UNCHANGED", "true").run("--feed", "marketplace_orders",
                "--start", Warehouse.START, "--end", Warehouse.END);
        wh.app.env("INGEST_FILES_RELAND_UNCHANGED", "false");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertEquals("landed", Json.field(forced.lastStdoutLine(), "outcome"));
        assertEquals(2, Json.longField(forced.lastStdoutLine(), "attempt"), forced.lastStdoutLine());
        assertEquals(first, wh.checksum());

        // The partner re-sends file 01 under the same name with corrected content: detected and re-landed.
        drop.csv(DAY, 1, Drop.HEADER + "\n" + Drop.rows("A", 1, 100, DAY).replace("buyer7@example.com", "fixed7@example.com"));
        AppProcess.Result redelivered = wh.land();
        assertEquals(0, redelivered.exitCode(), redelivered.toString());
        assertTrue(redelivered.lastStdoutLine().contains("\"changed_files\":[\"2026-11-23/marketplace_orders_20261123_01.csv\"]"),
                redelivered.lastStdoutLine());
        assertEquals("fixed7@example.com", wh.one("SELECT customer_email FROM raw.marketplace_orders WHERE order_ref = 'A7'"));
        assertNotEquals(first, wh.checksum());
        assertEquals(1, wh.count("SELECT count(*) FROM _ingest.schema_history WHERE column_name = 'discount'"));
    }

    @Test
    void shouldLandEveryValueExactlyAsWrittenWhateverItsQuoting() throws Exception {
        Drop drop = Drop.create();
        // The server parses what land-files sends: these are the spellings where a CSV reader could differ.
        drop.csv(DAY, 1, "order_ref,note,sku\n"
                + "Q1,5\" screen,plain\n"                          // a quote inside an unquoted field is literal
                + "Q2,\"multi\r\nline\n\\.\nend\",\"\"\n"          // quoted line breaks, the end-of-data marker, an empty string
                + "Q3,back\\slash\ttab,\"a,\"\"b\"\"\"\n"             // backslash and tab mean nothing in CSV
                + "\"Q4\",grüße ✓,\n");                           // a quoted key; an unquoted empty field
        drop.csv(DAY, 2, "sku,order_ref\nlater,Q4\n");           // Q4 again, unquoted: the same key
        drop.done(DAY);
        Warehouse wh = new Warehouse("lf_exact", drop);
        AppProcess.Result r = wh.land();
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(4, Json.longField(r.lastStdoutLine(), "rows"), r.lastStdoutLine());
        assertEquals(1, Json.longField(r.lastStdoutLine(), "duplicates_removed"), r.lastStdoutLine());
        assertEquals("5\" screen|plain", wh.one("SELECT note || '|' || sku FROM raw.marketplace_orders WHERE order_ref = 'Q1'"));
        assertEquals("multi\r\nline\n\\.\nend||3", wh.one("SELECT note || '|' || sku || '|' || _source_line FROM raw.marketplace_orders "
                + "WHERE order_ref = 'Q2'"));
        assertEquals("back\\slash\ttab|a,\"b\"", wh.one("SELECT note || '|' || sku FROM raw.marketplace_orders WHERE order_ref = 'Q3'"));
        assertEquals("later|true", wh.one("SELECT sku || '|' || (note IS NULL) FROM raw.marketplace_orders WHERE order_ref = 'Q4'"),
                "the later file wins; it has no note column");
        assertEquals(0, wh.count("SELECT count(*) FROM _ingest.quarantine"));
    }

    @Test
    void shouldAddColumnThatAppearsOnALaterDayAndKeepLaterDayOverEarlier() throws Exception {
        Drop drop = Drop.create();
        drop.csv("2026-11-22", 1, Drop.HEADER + "\n" + Drop.rows("B", 1, 20, "2026-11-22"));
        drop.csv("2026-11-23", 1, Drop.HEADER + "\n" + Drop.rows("B", 1, 50, "2026-11-23"));
        drop.csv("2026-11-24", 1, "discount,currency,order_ref,ordered_at,customer_email,sku,quantity,unit_price\n"
                + "0.25,EUR,B3,2026-11-24T09:00:00Z,late@example.com,SKU-3,1,2.00\n");
        drop.done("2026-11-22").done("2026-11-23").done("2026-11-24");
        Warehouse wh = new Warehouse("lf_days", drop);
        AppProcess.Result first = wh.land("2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z");
        assertEquals(0, first.exitCode(), first.toString());
        String before = wh.checksum(java.time.Instant.parse("2026-11-22T00:00:00Z"), Warehouse.S);

        AppProcess.Result r = wh.land("2026-11-23T00:00:00Z", "2026-11-25T00:00:00Z");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(50, Json.longField(r.lastStdoutLine(), "rows"));
        assertEquals("2026-11-24/marketplace_orders_20261124_01.csv|0.25|late@example.com", wh.one(
                "SELECT _source_file || '|' || discount || '|' || customer_email FROM raw.marketplace_orders "
                        + "WHERE order_ref = 'B3' AND _interval_end = '2026-11-25T00:00:00Z'"));
        assertEquals(1, wh.count("SELECT count(*) FROM _ingest.schema_history WHERE change = 'add_column' AND column_name = 'discount'"));
        assertEquals(20, wh.count("SELECT count(*) FROM raw.marketplace_orders WHERE _interval_start = '2026-11-22T00:00:00Z' "
                + "AND discount IS NULL"), "older partitions read NULL for the new column");
        assertEquals(before.split(":")[0], wh.checksum(java.time.Instant.parse("2026-11-22T00:00:00Z"), Warehouse.S).split(":")[0],
                "the other partition keeps its rows");
    }

    @Test
    void shouldRefuseDayWithoutDoneMarkerAndMissingFolderUnlessAllowed() throws Exception {
        Drop drop = Drop.create();
        drop.csv(DAY, 1, Drop.HEADER + "\n" + Drop.rows("C", 1, 10, DAY));
        Warehouse wh = new Warehouse("lf_notready", drop);
        AppProcess.Result r = wh.land();
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("day 2026-11-23 has no _DONE marker"), r.firstStderrLine());
        assertEquals("NOT_READY", Json.field(r.lastStdoutLine(), "code"));
        assertEquals(RunSummary.FIELDS, Json.keys(r.lastStdoutLine()), r.lastStdoutLine());
        assertEquals("failed", Json.field(r.lastStdoutLine(), "outcome"));

        AppProcess.Result missing = wh.land("2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z");
        assertEquals(1, missing.exitCode(), missing.toString());
        assertTrue(missing.firstStderrLine().contains("day 2026-11-24 has no folder"), missing.firstStderrLine());

        wh.app.env("INGEST_FILES_ALLOW_MISSING_DAYS", "true");
        AppProcess.Result allowed = wh.land("2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z");
        assertEquals(0, allowed.exitCode(), allowed.toString());
        assertEquals(0, Json.longField(allowed.lastStdoutLine(), "rows"));
        assertTrue(allowed.lastStdoutLine().contains("missing_days_landed_empty"), allowed.lastStdoutLine());
    }

    @Test
    void shouldQuarantineBadRowsKeepGoodOnesAndReadGzipEmptyHeaderOnlyAndStray() throws Exception {
        Drop drop = Drop.create();
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.writeBytes((Drop.HEADER + "\n" + Drop.rows("D", 1, 100, DAY)).getBytes(StandardCharsets.UTF_8));
        f.writeBytes("D900,2026-11-23T01:00:00Z,too,few\n".getBytes(StandardCharsets.UTF_8)); // line 102
        f.writeBytes("D901,2026-11-23T01:00:00Z,bad".getBytes(StandardCharsets.UTF_8)); // line 103: invalid UTF-8
        f.write(0xC3);
        f.write(0x28);
        f.writeBytes("@x.com,SKU-1,1,1.00,EUR\n".getBytes(StandardCharsets.UTF_8));
        f.writeBytes(",2026-11-23T01:00:00Z,a@x.com,SKU-1,1,1.00,EUR\n".getBytes(StandardCharsets.UTF_8)); // line 104: no order_ref
        f.writeBytes((Drop.rows("D", 101, 100, DAY)).getBytes(StandardCharsets.UTF_8)); // lines 105..204
        f.writeBytes("D999,2026-11-23T01:00:00Z,\"cut off in a quote".getBytes(StandardCharsets.UTF_8)); // line 205: truncated
        drop.bytes(DAY, 1, f.toByteArray());
        drop.gz(DAY, 2, Drop.HEADER + "\r\n" + Drop.rows("G", 1, 30, DAY).replace("\n", "\r\n"));
        drop.csv(DAY, 3, "");
        drop.csv(DAY, 4, Drop.HEADER + "\n");
        Files.writeString(drop.day(DAY).resolve("README.txt"), "not data");
        Files.writeString(drop.day(DAY).resolve("marketplace_orders_20261123_05.csv.tmp"), "partial");
        drop.done(DAY);
        Warehouse wh = new Warehouse("lf_bad", drop);

        AppProcess.Result r = wh.land();
        assertEquals(0, r.exitCode(), r.toString());
        String json = r.lastStdoutLine();
        assertEquals(230, Json.longField(json, "rows"), json);
        assertEquals(4, Json.longField(json, "bad_rows"), json);
        assertEquals(2, Json.longField(json, "stray"), json);
        assertTrue(json.contains("README.txt"), json);
        List<String> bad = wh.column("SELECT line || '|' || reason FROM _ingest.quarantine ORDER BY line");
        assertEquals(4, bad.size(), bad.toString());
        assertTrue(bad.get(0).startsWith("102|expected 7 fields as in the header, found 4"), bad.toString());
        assertTrue(bad.get(1).startsWith("103|invalid UTF-8"), bad.toString());
        assertTrue(bad.get(2).startsWith("104|order_ref is empty"), bad.toString());
        assertTrue(bad.get(3).startsWith("205|unterminated quoted field"), bad.toString());
        assertEquals("D901,2026-11-23T01:00:00Z,bad\\xc3(@x.com,SKU-1,1,1.00,EUR",
                wh.one("SELECT raw FROM _ingest.quarantine WHERE line = 103"), "raw bytes kept, invalid ones escaped");
        assertEquals(4, wh.count("SELECT count(*) FROM _ingest.file_ledger"), "empty and header-only files are in the ledger");
        assertEquals("200|4", wh.one("SELECT rows_good || '|' || rows_bad FROM _ingest.file_ledger WHERE file LIKE '%_01.csv'"));
        assertEquals(30, wh.count("SELECT count(*) FROM raw.marketplace_orders WHERE _source_file LIKE '%.csv.gz'"));
        assertEquals(0, wh.count("SELECT count(*) FROM _ingest.file_quarantine_pending"));
    }

    @Test
    void shouldFailAsDataErrorPastTheBadShareNamingTheFile() throws Exception {
        Drop drop = Drop.create();
        drop.csv(DAY, 1, Drop.HEADER + "\n" + Drop.rows("E", 1, 9, DAY) + "E10,broken\n");
        drop.done(DAY);
        Warehouse wh = new Warehouse("lf_share", drop);
        AppProcess.Result r = wh.land();
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("marketplace_orders_20261123_01.csv has 1 bad rows of 10"), r.firstStderrLine());
        assertEquals(0, wh.count("SELECT count(*) FROM _ingest.partition"));

        wh.app.env("INGEST_FILES_MAX_BAD_SHARE", "0.2");
        AppProcess.Result tolerant = wh.land();
        assertEquals(0, tolerant.exitCode(), tolerant.toString());
        assertEquals(9, Json.longField(tolerant.lastStdoutLine(), "rows"));
    }

    @Test
    void shouldQuoteUnsafeHeaderNamesAndNeverExecuteThem() throws Exception {
        Drop drop = Drop.create();
        String evil = "x\"\"; DROP TABLE canary;--";
        drop.csv(DAY, 1, "order_ref,\"" + evil + "\",Ünï cödé,\"a,b\"\nH1,boom,ü,c\n");
        drop.done(DAY);
        Warehouse wh = new Warehouse("lf_unsafe", drop);
        try (Connection c = wh.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE canary (id int)");
        }
        AppProcess.Result r = wh.land();
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("0", wh.one("SELECT count(*) FROM canary"));
        assertEquals("boom|ü|c", wh.one("SELECT \"x\"\"; DROP TABLE canary;--\" || '|' || \"Ünï cödé\" || '|' || \"a,b\" "
                + "FROM raw.marketplace_orders"));

        Drop dup = Drop.create();
        dup.csv(DAY, 1, "order_ref,a,a\n1,2,3\n");
        dup.done(DAY);
        AppProcess.Result d = new Warehouse("lf_unsafe2", dup).land();
        assertEquals(3, d.exitCode(), d.toString());
        assertTrue(d.firstStderrLine().contains("names column 'a' twice"), d.firstStderrLine());

        Drop reserved = Drop.create();
        reserved.csv(DAY, 1, "order_ref,_source_file\n1,2\n");
        reserved.csv(DAY, 2, "order_ref," + "l".repeat(64) + "\n1,2\n");
        reserved.done(DAY);
        AppProcess.Result rs = new Warehouse("lf_unsafe3", reserved).land();
        assertEquals(3, rs.exitCode(), rs.toString());
        assertTrue(rs.firstStderrLine().contains("reserved for landing metadata"), rs.firstStderrLine());
    }

    @Test
    void shouldRefuseSymlinksLeadingOutOfTheDrop() throws Exception {
        Path outside = Files.createTempDirectory("outside");
        Path secret = Files.writeString(outside.resolve("secret.csv"), "order_ref,x\nS1,secret\n");
        Drop drop = Drop.create();
        drop.csv(DAY, 1, Drop.HEADER + "\n" + Drop.rows("F", 1, 5, DAY));
        Files.createSymbolicLink(drop.day(DAY).resolve(Drop.fileName(DAY, 2, false)), secret);
        drop.done(DAY);
        Warehouse wh = new Warehouse("lf_symlink", drop);
        AppProcess.Result r = wh.land();
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("resolves outside FILE_DROP_DIR"), r.firstStderrLine());

        // A whole day folder linked out of the drop is refused the same way.
        Drop linked = Drop.create();
        Files.createDirectories(linked.root.resolve("marketplace_orders"));
        Path day = Files.createDirectories(outside.resolve("day"));
        Files.writeString(day.resolve("_DONE"), "");
        Files.createSymbolicLink(linked.root.resolve("marketplace_orders").resolve(DAY), day);
        AppProcess.Result r2 = new Warehouse("lf_symlink2", linked).land();
        assertEquals(3, r2.exitCode(), r2.toString());
        assertFalse(r2.stdout().contains("secret"));
    }

    @Test
    void shouldStopDecompressionBombAndRejectUnknownFeed() throws Exception {
        Drop drop = Drop.create();
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
            gz.write((Drop.HEADER + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] line = (Drop.row("Z1", DAY, 1) + "\n").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 200_000; i++) {
                gz.write(line);
            }
        }
        Files.write(drop.day(DAY).resolve(Drop.fileName(DAY, 1, true)), bomb.toByteArray());
        drop.done(DAY);
        Warehouse wh = new Warehouse("lf_bomb", drop);
        wh.app.env("INGEST_FILES_MAX_DECOMPRESSED_BYTES", "1000000");
        AppProcess.Result r = wh.land();
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("expands to more than 1000000 bytes"), r.firstStderrLine());

        AppProcess.Result usage = wh.app.run("--feed", "../etc", "--start", Warehouse.START, "--end", Warehouse.END);
        assertEquals(2, usage.exitCode(), usage.toString());
    }
}
