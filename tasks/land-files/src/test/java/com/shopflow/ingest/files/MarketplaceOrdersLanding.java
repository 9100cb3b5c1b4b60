package com.shopflow.ingest.files;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.LandingTask;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * land-files under the landing contract: a drop of three files (one gzip) with bad rows (wrong field count, empty
 * key, invalid UTF-8, an unterminated quote) and duplicates within and across files, in chunks of 1000 records:
 * 8 + 4 + 3 chunks, as chunks never span files. The truth is a fresh, uninterrupted landing of the same drop into
 * a database of its own; a landing is its partition, its quarantine and its file ledger.
 */
final class MarketplaceOrdersLanding implements LandingTask {
    static final String DAY = "2026-11-23";
    static final int CHUNK = 1000;
    static final String[] LAND = {"--feed", "marketplace_orders", "--start", Warehouse.START, "--end", Warehouse.END};
    static final String QUARANTINE = "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(row(source, line, reason, raw)::text), ''"
            + " ORDER BY source, line, reason, raw)), 'empty') FROM _ingest.quarantine"
            + " WHERE target = 'raw.marketplace_orders' AND interval_start = ? AND interval_end = ?";
    static final String FILE_LEDGER = "SELECT count(*) || ':' || coalesce(md5(string_agg(file || '|' || size_bytes || '|' || sha256"
            + " || '|' || rows_good || '|' || rows_bad, ',' ORDER BY file)), 'empty') FROM _ingest.file_ledger"
            + " WHERE target = 'raw.marketplace_orders' AND interval_start = ? AND interval_end = ?";

    Drop drop;
    Warehouse wh;
    private String truth;

    @Override
    public String name() {
        return "land-files";
    }

    @Override
    public String target() {
        return "raw.marketplace_orders";
    }

    @Override
    public Instant intervalStart() {
        return Warehouse.S;
    }

    @Override
    public Instant intervalEnd() {
        return Warehouse.E;
    }

    @Override
    public String warehouseDatabase() {
        return wh.db;
    }

    @Override
    public String[] args() {
        return LAND;
    }

    @Override
    public void prepareSource() throws Exception {
        drop = Drop.create();
        Files.write(drop.day(DAY).resolve(Drop.fileName(DAY, 1, false)), first());
        Files.write(drop.day(DAY).resolve(Drop.fileName(DAY, 2, false)), second(1));
        gz(drop.day(DAY).resolve(Drop.fileName(DAY, 3, true)), third());
        drop.done(DAY);
        truth = freshLanding("lf_contract_truth", drop, second(1));
        wh = new Warehouse("lf_contract", drop);
    }

    /** Every attempt lands (and opens a ledger row) rather than stopping at "partition unchanged". */
    @Override
    public AppProcess app(int warehousePort, int sourcePort) {
        return plain(warehousePort).env("INGEST_FILES_RELAND_UNCHANGED", "true");
    }

    /** The app as a user runs it: an unchanged drop is not landed again. */
    AppProcess plain(int warehousePort) {
        return fastStart(new AppProcess(wh.app.jar()).env(wh.app.environment()))
                .env("INGEST_LANDING_CHUNK_ROWS", Integer.toString(CHUNK))
                .env("WAREHOUSE_DB_URL", "jdbc:postgresql://127.0.0.1:" + warehousePort + "/" + wh.db);
    }

    @Override
    public OptionalInt sourcePort() {
        return OptionalInt.empty();
    }

    @Override
    public int chunks() {
        return 15;
    }

    @Override
    public String truth() {
        return truth;
    }

    @Override
    public String landed() throws SQLException {
        return state(wh);
    }

    @Override
    public String partition() throws SQLException {
        return state(wh);
    }

    /** Partition, quarantine and file ledger of the interval: equal strings mean identical landings. */
    static String state(Warehouse wh) throws SQLException {
        Timestamp s = Timestamp.from(Warehouse.S);
        Timestamp e = Timestamp.from(Warehouse.E);
        return wh.checksum() + " quarantine " + wh.one(QUARANTINE, s, e) + " files " + wh.one(FILE_LEDGER, s, e);
    }

    /** The state of a fresh landing of a copy of {@code drop} with {@code fileTwo} as file 02, in database {@code db}. */
    static String freshLanding(String db, Drop drop, byte[] fileTwo) throws Exception {
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
        if (r.exitCode() != 0) {
            throw new AssertionError("the fresh landing of the truth failed: " + r);
        }
        return state(fresh);
    }

    /** Written beside the feed folder, then renamed over the old file: readers see the old or the new file whole. */
    void redeliver(byte[] content) throws IOException {
        Path tmp = drop.root.resolve("incoming.tmp");
        Files.write(tmp, content);
        Files.move(tmp, drop.day(DAY).resolve(Drop.fileName(DAY, 2, false)), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** About twenty short runs: a quick-starting JIT keeps the suite's time down (as the other suites do). */
    static AppProcess fastStart(AppProcess app) {
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
