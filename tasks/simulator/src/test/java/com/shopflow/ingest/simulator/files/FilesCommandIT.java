package com.shopflow.ingest.simulator.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged {@code files} command writes the drop with its faults and prints a one-line JSON summary. */
class FilesCommandIT {
    @TempDir
    Path tmp;

    @Test
    void shouldWriteTheDropWithAllFaultsAndAManifest() throws Exception {
        Path drop = tmp.resolve("drop");
        Path manifest = tmp.resolve("manifest.json");
        AppProcess.Result r = AppProcess.fromSystemProperty().run("files", "--dir", drop.toString(), "--first-day", "2026-11-01",
                "--days", "2", "--seed", "42", "--all-faults", "--discount-from", "2026-11-02", "--missing-done", "2026-11-02",
                "--redeliver", "2026-11-01", "--manifest", manifest.toString());
        assertEquals(0, r.exitCode(), r.toString());
        String line = r.lastStdoutLine();
        assertEquals(120, Json.longField(line, "expected_rows"));
        assertEquals(6, Json.longField(line, "bad_rows"));
        assertTrue(Files.exists(drop.resolve("marketplace_orders/2026-11-01/_DONE")));
        assertFalse(Files.exists(drop.resolve("marketplace_orders/2026-11-02/_DONE")));
        assertTrue(Files.exists(drop.resolve("marketplace_orders/2026-11-01/marketplace_orders_20261101_02.csv.gz")));
        assertTrue(Files.readString(manifest).contains("\"MP-20261102-000001\""), "the manifest lists the expected rows");

        // The same drop re-delivered by the API in-process gives the same truth as the command printed.
        PartnerDrop same = new PartnerDrop(tmp.resolve("again"), DropOptions.clean(java.time.LocalDate.of(2026, 11, 1), 2, 42)
                .with(Fault.values()).withDiscountFrom(java.time.LocalDate.of(2026, 11, 2)).withMissingDone(java.time.LocalDate.of(2026, 11, 2)));
        same.generate();
        DayTruth day1 = same.redeliver(java.time.LocalDate.of(2026, 11, 1), 1);
        assertEquals(Files.readString(manifest).contains(day1.rows().get("MP-20261101-000001").get("unit_price")), true);
    }

    @Test
    void shouldExitTwoWithoutADirectory() throws Exception {
        AppProcess.Result r = AppProcess.fromSystemProperty().run("files", "--days", "1");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("--dir"), r.firstStderrLine());
    }
}
