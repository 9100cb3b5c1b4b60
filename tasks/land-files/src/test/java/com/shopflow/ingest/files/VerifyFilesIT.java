package com.shopflow.ingest.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.shopflow.ingest.testkit.AppProcess;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code land-files verify}: the drop's files, read again with the landing's rules (duplicates across files, bad rows
 * quarantined, a second file with other columns), equal the partition; a tampered partition and a re-delivered file
 * are reported by key and by file name.
 */
class VerifyFilesIT {
    static final String DAY = "2026-11-23";
    static final ObjectMapper JSON = new ObjectMapper();

    static Map<String, String> keys(AppProcess.Result r) throws Exception {
        Map<String, String> out = new TreeMap<>();
        JSON.readTree(r.lastStdoutLine()).path("details").path("verify").path("keys")
                .forEach(k -> out.put(k.path("key").asText(), k.path("kind").asText()));
        return out;
    }

    AppProcess.Result verify(Warehouse wh) throws Exception {
        return wh.app.run("verify", "--feed", "marketplace_orders", "--start", Warehouse.START, "--end", Warehouse.END);
    }

    @Test
    void theFilesEqualThePartitionUntilEitherChanges() throws Exception {
        Drop drop = Drop.create();
        drop.csv(DAY, 1, Drop.HEADER + "\n" + Drop.rows("A", 1, 600, DAY) + "A7,not-enough-fields\n");
        drop.csv(DAY, 2, "currency,order_ref,discount,quantity,unit_price,sku,customer_email,ordered_at\n"
                + "EUR,A5,1.50,9,10.00,SKU-5,new5@example.com,2026-11-23T11:00:00Z\n"
                + "USD,A900,,1,3.00,SKU-1,x@example.com,2026-11-23T12:00:00Z\n");
        drop.done(DAY);
        Warehouse wh = new Warehouse("lf_verify", drop);
        AppProcess.Result landed = wh.land();
        assertEquals(0, landed.exitCode(), landed.toString());

        AppProcess.Result clean = verify(wh);
        assertEquals(0, clean.exitCode(), clean.toString());
        assertEquals("verified", JSON.readTree(clean.lastStdoutLine()).path("outcome").asText());
        assertEquals(601, JSON.readTree(clean.lastStdoutLine()).path("details").path("verify").path("source_rows").asLong());

        try (Connection c = wh.connect(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM raw.marketplace_orders WHERE order_ref = 'A300'");
            s.execute("UPDATE raw.marketplace_orders SET quantity = '7' WHERE order_ref = 'A400'");
            s.execute("UPDATE raw.marketplace_orders SET discount = NULL WHERE order_ref = 'A5'");
            s.execute("INSERT INTO raw.marketplace_orders (order_ref, _source_file, _source_line, _interval_start, _interval_end)"
                    + " VALUES ('Z1', 'x.csv', 1, '" + Warehouse.S + "', '" + Warehouse.E + "')");
        }
        AppProcess.Result tampered = verify(wh);
        assertEquals(3, tampered.exitCode(), tampered.toString());
        assertEquals(Map.of("A300", "missing", "A400", "different", "A5", "different", "Z1", "extra"), keys(tampered));

        wh.land(); // unchanged files: nothing re-landed, the tampering stays
        drop.csv(DAY, 2, "currency,order_ref,discount,quantity,unit_price,sku,customer_email,ordered_at\n"
                + "EUR,A5,1.50,9,10.00,SKU-5,new5@example.com,2026-11-23T11:00:00Z\n");
        AppProcess.Result redelivered = verify(wh);
        assertEquals(3, redelivered.exitCode(), redelivered.toString());
        assertTrue(redelivered.stdout().contains("marketplace_orders_20261123_02.csv was re-delivered with other content since the landing"),
                redelivered.stdout());
        JsonNode files = JSON.readTree(redelivered.lastStdoutLine()).path("details").path("files_changed_since_landing");
        assertEquals(1, files.size(), files.toString());
        AppProcess.Result relanded = wh.land();
        assertEquals(0, relanded.exitCode(), relanded.toString());
        assertEquals(0, verify(wh).exitCode());
        assertEquals("600", wh.one("SELECT count(*)::text FROM raw_current.marketplace_orders"), "the current table follows the re-landing");
    }
}
