package com.shopflow.ingest.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.shopflow.ingest.simulator.files.DayTruth;
import com.shopflow.ingest.simulator.files.DropManifest;
import com.shopflow.ingest.simulator.files.DropOptions;
import com.shopflow.ingest.simulator.files.Fault;
import com.shopflow.ingest.simulator.files.PartnerDrop;
import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The simulator's partner drop with every fault: the landed partition is exactly the simulator's truth. */
class SimulatorDropIT {
    @Test
    void shouldLandExactlyTheSimulatorsTruth() throws Exception {
        LocalDate first = LocalDate.parse("2026-11-23");
        Drop drop = new Drop(Files.createTempDirectory("simdrop"));
        DropOptions options = DropOptions.clean(first, 2, 7).withSize(3, 900).with(Fault.values())
                .withDiscountFrom(first.plusDays(1));
        DropManifest truth = new PartnerDrop(drop.root, options).generate();
        Warehouse wh = new Warehouse("lf_simulator", drop);

        AppProcess.Result r = wh.land("2026-11-23T00:00:00Z", "2026-11-25T00:00:00Z");
        assertEquals(0, r.exitCode(), r.toString());
        String json = r.lastStdoutLine();
        assertEquals(truth.expectedRows(), Json.longField(json, "rows"), json);
        assertEquals(truth.badRows(), Json.longField(json, "bad_rows"), json);
        assertEquals(truth.badRows(), wh.count("SELECT count(*) FROM _ingest.quarantine"));

        Map<String, Map<String, String>> expected = new HashMap<>();
        for (DayTruth d : truth.days()) {
            expected.putAll(d.rows());
        }
        Map<String, Map<String, String>> landed = new HashMap<>();
        try (Connection c = wh.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM raw.marketplace_orders")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new HashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnName(i), rs.getString(i));
                }
                landed.put(row.get("order_ref"), row);
            }
        }
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(landed.keySet()));
        for (var e : expected.entrySet()) {
            for (var col : e.getValue().entrySet()) {
                assertEquals(col.getValue(), landed.get(e.getKey()).get(col.getKey()), e.getKey() + "." + col.getKey());
            }
        }
    }
}
