package com.shopflow.ingest.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Checkpoints;
import com.shopflow.ingest.testkit.Json;
import com.shopflow.ingest.testkit.PostgresServer;
import com.shopflow.ingest.testkit.TcpProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The chaos suite for land-files: SIGKILL at ten points across a run, the warehouse connection cut mid-stream,
 * a corrected file re-delivered under the same name (after a publish, after a killed run, while a run reads),
 * two attempts at once. The drop holds bad rows (wrong field count, empty key, invalid UTF-8, an unterminated
 * quote) and duplicates (within and across files) throughout. After every scenario the partition, its
 * quarantine and its file ledger must equal an uninterrupted landing of the same drop (by checksum, metadata
 * included), and the ledger must account for every attempt. Prints its counts.
 */
class ChaosIT {
    static final String DAY = "2026-11-23";
    /** 8 + 4 + 3 chunks: file 01 has 8000 records, 02 has 4000, 03 has 3000; chunks never span files. */
    static final int CHUNK = 1000;
    static final String[] LAND = {"--feed", "marketplace_orders", "--start", Warehouse.START, "--end", Warehouse.END};
    static final String QUARANTINE = "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(row(source, line, reason, raw)::text), ''"
            + " ORDER BY source, line, reason, raw)), 'empty') FROM _ingest.quarantine"
            + " WHERE target = 'raw.marketplace_orders' AND interval_start = ? AND interval_end = ?";
    static final String FILE_LEDGER = "SELECT count(*) || ':' || coalesce(md5(string_agg(file || '|' || size_bytes || '|' || sha256"
            + " || '|' || rows_good || '|' || rows_bad, ',' ORDER BY file)), 'empty') FROM _ingest.file_ledger"
            + " WHERE target = 'raw.marketplace_orders' AND interval_start = ? AND interval_end = ?";

    private long rowsCompared;

    @Test
    void everyFaultEndsInThePartitionOfAnUninterruptedRun() throws Exception {
        Drop drop = Drop.create();
        Files.write(drop.day(DAY).resolve(Drop.fileName(DAY, 1, false)), first());
        Files.write(drop.day(DAY).resolve(Drop.fileName(DAY, 2, false)), second(1));
        gz(drop.day(DAY).resolve(Drop.fileName(DAY, 3, true)), third());
        drop.done(DAY);
        // The truths of the corrected drops: fresh landings of copies into databases of their own.
        String truthV2 = freshLanding("lf_chaos_v2", drop, second(2));
        String truthV3 = freshLanding("lf_chaos_v3", drop, second(3));

        Warehouse wh = new Warehouse("lf_chaos", drop);
        fastStart(wh.app).env("INGEST_LANDING_CHUNK_ROWS", Integer.toString(CHUNK));
        // Every attempt must land (and so open a ledger row), not stop at "partition unchanged".
        AppProcess reland = copy(wh.app).env("INGEST_FILES_RELAND_UNCHANGED", "true");
        AppProcess.Result first = wh.app.run(LAND);
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(Json.longField(first.lastStdoutLine(), "bad_rows") > 0, first.lastStdoutLine());
        assertTrue(Json.longField(first.lastStdoutLine(), "duplicates_removed") > 0, first.lastStdoutLine());
        String truth = state(wh);
        assertTrue(!truth.equals(truthV2) && !truthV2.equals(truthV3), "the corrections change the partition");
        int scenarios = 0;
        int faults = 0;
        int attempts = 1;
        List<String> mismatches = new ArrayList<>();

        try (Connection poll = wh.connect()) {
            for (int killAfter : new int[] {0, 1, 2, 4, 6, 8, 10, 12, 14, 15}) {
                scenarios++;
                AppProcess.Running run = reland.start(LAND);
                attempts++;
                if (Checkpoints.killAt(poll, run, killAfter)) {
                    faults++;
                }
                check(wh, truth, "published partition after a run killed at " + killAfter + " chunks", mismatches);
                AppProcess.Result r = reland.run(LAND);
                attempts++;
                assertEquals(0, r.exitCode(), r.toString());
                check(wh, truth, "kill after " + killAfter + " chunks, then retry", mismatches);
            }

            try (TcpProxy warehouse = new TcpProxy(PostgresServer.shared().port())) {
                AppProcess viaProxy = copy(reland).env("WAREHOUSE_DB_URL", "jdbc:postgresql://127.0.0.1:" + warehouse.port() + "/" + wh.db);
                for (int cutAt : new int[] {4, 11}) {
                    scenarios++;
                    AppProcess.Running run = viaProxy.start(LAND);
                    attempts++;
                    Checkpoints.await(poll, run, cutAt);
                    if (run.isAlive()) {
                        warehouse.cutAll();
                        faults++;
                    }
                    AppProcess.Result r = run.await(Duration.ofMinutes(2));
                    assertTrue(r.exitCode() == 0 || r.exitCode() == 1, r.toString());
                    if (r.exitCode() != 0) {
                        r = viaProxy.run(LAND);
                        attempts++;
                        assertEquals(0, r.exitCode(), r.toString());
                    }
                    check(wh, truth, "warehouse connection cut at " + cutAt + " chunks", mismatches);
                }
            }

            scenarios++;
            faults++;
            AppProcess.Running a = reland.start(LAND);
            AppProcess.Running b = reland.start(LAND);
            AppProcess.Result ra = a.await(Duration.ofMinutes(2));
            AppProcess.Result rb = b.await(Duration.ofMinutes(2));
            attempts += 2;
            assertTrue(ra.exitCode() == 0 || rb.exitCode() == 0, ra + "\n" + rb);
            check(wh, truth, "two attempts at once", mismatches);

            // A corrected file 02 under the same name, after the publish: the plain run sees it changed and re-lands.
            scenarios++;
            faults++;
            redeliver(drop, second(2));
            AppProcess.Result r = wh.app.run(LAND);
            attempts++;
            assertEquals(0, r.exitCode(), r.toString());
            if (!"1".equals(Json.field(r.lastStdoutLine(), "changed"))) {
                mismatches.add("re-delivery not reported as one changed file: " + r.lastStdoutLine());
            }
            check(wh, truthV2, "corrected file re-delivered after the publish", mismatches);

            // Corrected again while a killed run's chunks of the previous delivery are staged: staging starts over.
            scenarios++;
            AppProcess.Running killed = reland.start(LAND);
            attempts++;
            if (Checkpoints.killAt(poll, killed, 10)) {
                faults++;
            }
            redeliver(drop, second(3));
            faults++;
            r = wh.app.run(LAND);
            attempts++;
            assertEquals(0, r.exitCode(), r.toString());
            check(wh, truthV3, "corrected file re-delivered after a run killed at 10 chunks", mismatches);

            // The file re-delivered (atomically, as partners do) while a run reads the drop: that run lands the
            // files it planned or stops as not ready; the retry lands what is on disk.
            scenarios++;
            AppProcess.Running reading = reland.start(LAND);
            attempts++;
            Checkpoints.await(poll, reading, 4);
            redeliver(drop, second(2));
            faults++;
            r = reading.await(Duration.ofMinutes(2));
            assertTrue(r.exitCode() == 0 || r.exitCode() == 1, r.toString());
            r = wh.app.run(LAND);
            attempts++;
            assertEquals(0, r.exitCode(), r.toString());
            check(wh, truthV2, "corrected file re-delivered while a run reads it", mismatches);
        }

        long ledger = wh.count("SELECT count(*) FROM _ingest.load_run WHERE target = 'raw.marketplace_orders' AND interval_start = ?",
                Timestamp.from(Warehouse.S));
        long running = wh.count("SELECT count(*) FROM _ingest.load_run WHERE status = 'running'");
        System.out.printf("chaos land-files: scenarios=%d faults=%d attempts=%d ledger_rows=%d rows_compared=%d mismatches=%d%n",
                scenarios, faults, attempts, ledger, rowsCompared, mismatches.size());
        assertEquals(List.of(), mismatches);
        assertEquals(attempts, ledger, "the ledger accounts for every attempt");
        assertEquals(0, running, "no attempt is left marked running");
    }

    /** Partition, quarantine and file ledger of the interval: equal strings mean identical landings. */
    private static String state(Warehouse wh) throws SQLException {
        Timestamp s = Timestamp.from(Warehouse.S);
        Timestamp e = Timestamp.from(Warehouse.E);
        return wh.checksum() + " quarantine " + wh.one(QUARANTINE, s, e) + " files " + wh.one(FILE_LEDGER, s, e);
    }

    private void check(Warehouse wh, String truth, String scenario, List<String> mismatches) throws SQLException {
        String now = state(wh);
        String[] parts = now.split(" ");
        rowsCompared += Long.parseLong(parts[0].split(":")[0]) + Long.parseLong(parts[2].split(":")[0]);
        if (!truth.equals(now)) {
            mismatches.add(scenario + ": " + now + " != " + truth);
        }
    }

    private static String freshLanding(String db, Drop drop, byte[] fileTwo) throws Exception {
        Drop copy = Drop.create();
        try (Stream<Path> all = Files.walk(drop.root)) {
            for (Path p : all.toList()) {
                Path to = copy.root.resolve(drop.root.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Files.write(copy.day(DAY).resolve(Drop.fileName(DAY, 2, false)), fileTwo);
        Warehouse fresh = new Warehouse(db, copy);
        fastStart(fresh.app);
        AppProcess.Result r = fresh.land();
        assertEquals(0, r.exitCode(), r.toString());
        return state(fresh);
    }

    /** Written beside the feed folder, then renamed over the old file: readers see the old or the new file whole. */
    private static void redeliver(Drop drop, byte[] content) throws IOException {
        Path tmp = drop.root.resolve("incoming.tmp");
        Files.write(tmp, content);
        Files.move(tmp, drop.day(DAY).resolve(Drop.fileName(DAY, 2, false)), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static AppProcess copy(AppProcess app) {
        return fastStart(new AppProcess(app.jar()).env(app.environment()));
    }

    /** About 30 short runs: a quick-starting JIT keeps the suite's time down (as the other suites do). */
    private static AppProcess fastStart(AppProcess app) {
        return app.jvmOption("-XX:TieredStopAtLevel=1").jvmOption("-XX:+UseSerialGC");
    }

    /**
     * File 01: C1..C7999 with bad rows (wrong field count, empty order_ref, invalid UTF-8), duplicates of the
     * previous line's key, a record spanning two lines, and a last record cut inside a quote.
     */
    static byte[] first() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        line(out, Drop.HEADER);
        for (int i = 1; i < 8000; i++) {
            String good = Drop.row("C" + i, DAY, i);
            if (i % 100 == 0) {
                line(out, "C" + i + ",broken row");
            } else if (i % 1000 == 501) {
                line(out, Drop.row("", DAY, i));
            } else if (i % 2000 == 1 && i > 1) {
                int at = good.indexOf('@');
                out.write(good.substring(0, at).getBytes(StandardCharsets.UTF_8));
                out.write(0xFF);
                line(out, good.substring(at));
            } else if (i % 250 == 0) {
                line(out, Drop.row("C" + (i - 1), DAY, i));
            } else if (i % 3000 == 7) {
                line(out, good.replace("buyer" + i + "@example.com", "\"buyer" + i + "\nsecond line@example.com\""));
            } else {
                line(out, good);
            }
        }
        out.write(("C8000,\"" + DAY + "T23:59:00Z,cut off").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /**
     * File 02, overlapping file 01 from C5001: delivery 1 has every 120th row broken; the corrections (2, 3)
     * fix them and change values, and 3 is shorter.
     */
    static byte[] second(int delivery) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        line(out, Drop.HEADER);
        int last = delivery == 3 ? 8500 : 9000;
        for (int i = 5001; i <= last; i++) {
            if (delivery == 1 && i % 120 == 0) {
                line(out, "C" + i + ",broken,row");
            } else {
                String row = Drop.row("C" + i, DAY, i + 7 * delivery);
                line(out, delivery == 1 ? row : row.replace(",EUR", delivery == 2 ? ",USD" : ",GBP"));
            }
        }
        return out.toByteArray();
    }

    /** File 03 (gzip): C8500..C11499, overlapping file 02, every 150th row broken. */
    static byte[] third() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        line(out, Drop.HEADER);
        for (int i = 8500; i < 11500; i++) {
            line(out, i % 150 == 0 ? "C" + i + ",broken" : Drop.row("C" + i, DAY, i + 3));
        }
        return out.toByteArray();
    }

    private static void gz(Path p, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(content);
        }
    }

    private static void line(ByteArrayOutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
    }
}
