package com.shopflow.ingest.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Checkpoints;
import com.shopflow.ingest.testkit.Json;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SIGKILL mid-run, then retry: the partition equals an uninterrupted landing; a file re-delivered meanwhile restarts staging. */
class KilledRunIT {
    static final String DAY = "2026-11-23";
    static final int ROWS = 120_000;
    static final int BAD_EVERY = 4_000;
    static Drop drop;
    static Warehouse reference;
    static String referenceChecksum;

    @BeforeAll
    static void bigDrop() throws Exception {
        drop = Drop.create();
        Path big = drop.day(DAY).resolve(Drop.fileName(DAY, 1, false));
        try (BufferedWriter w = Files.newBufferedWriter(big, StandardCharsets.UTF_8)) {
            w.write(Drop.HEADER + "\n");
            for (int i = 1; i <= ROWS; i++) {
                w.write(i % BAD_EVERY == 0 ? "K" + i + ",broken row\n" : Drop.row("K" + i, DAY, i) + "\n");
            }
        }
        drop.csv(DAY, 2, Drop.HEADER + "\n" + Drop.row("K1", DAY, 7) + "\n" + Drop.row("K2", DAY, 8) + "\n");
        drop.done(DAY);
        reference = new Warehouse("lf_kill_ref", drop);
        AppProcess.Result r = reference.land();
        assertEquals(0, r.exitCode(), r.toString());
        referenceChecksum = reference.checksum();
    }

    @Test
    void shouldResumeAfterSigkillToAnIdenticalPartition() throws Exception {
        Warehouse wh = new Warehouse("lf_kill", drop);
        wh.app.env("INGEST_LANDING_CHUNK_ROWS", "10000");
        killAfterChunks(wh, 3);
        assertEquals(0, wh.count("SELECT count(*) FROM _ingest.partition"), "the kill came before the publish");
        assertTrue(wh.count("SELECT count(*) FROM _ingest.file_quarantine_pending") > 0, "bad rows of committed chunks are kept");

        AppProcess.Result r = wh.land();
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("resuming at 2026-11-23/marketplace_orders_20261123_01.csv"), r.stdout());
        assertEquals(referenceChecksum, wh.checksum());
        assertEquals(ROWS / BAD_EVERY, wh.count("SELECT count(*) FROM _ingest.quarantine"));
        assertEquals(ROWS / BAD_EVERY, Json.longField(r.lastStdoutLine(), "bad_rows"));
        assertEquals(reference.column("SELECT line || reason FROM _ingest.quarantine ORDER BY line"),
                wh.column("SELECT line || reason FROM _ingest.quarantine ORDER BY line"));
    }

    @Test
    void shouldStartOverWhenAFileIsRedeliveredDuringTheResume() throws Exception {
        Drop copy = Drop.create();
        Path day = copy.day(DAY);
        try (var files = Files.list(drop.day(DAY))) {
            for (Path p : files.toList()) {
                Files.copy(p, day.resolve(p.getFileName()));
            }
        }
        Warehouse wh = new Warehouse("lf_kill_redeliver", copy);
        wh.app.env("INGEST_LANDING_CHUNK_ROWS", "10000");
        killAfterChunks(wh, 2);
        copy.csv(DAY, 2, Drop.HEADER + "\n" + Drop.row("K1", DAY, 7).replace("buyer7@", "redelivered@") + "\n");

        AppProcess.Result r = wh.land();
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("staging starts over"), r.stdout());
        assertEquals("redelivered@example.com", wh.one("SELECT customer_email FROM raw.marketplace_orders WHERE order_ref = 'K1'"));
        assertEquals(ROWS - ROWS / BAD_EVERY, Json.longField(r.lastStdoutLine(), "rows"));
        assertEquals(ROWS / BAD_EVERY, wh.count("SELECT count(*) FROM _ingest.quarantine"));
    }

    private static void killAfterChunks(Warehouse wh, int chunks) throws Exception {
        AppProcess.Running run = wh.app.start("--feed", "marketplace_orders", "--start", Warehouse.START, "--end", Warehouse.END);
        boolean killed;
        try (Connection poll = wh.connect()) {
            killed = Checkpoints.killAt(poll, run, chunks, Duration.ofMinutes(2));
        }
        assertTrue(killed, "the run was killed mid-way: " + run.stdoutSoFar());
    }
}
