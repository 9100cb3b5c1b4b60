package com.shopflow.ingest.simulator.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.shopflow.ingest.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The binary COPY encoding of numeric and timestamptz edge values round-trips exactly. */
class CopyStreamTest {
    @Test
    void shouldEncodeNumericAndTimestampEdgeValues() throws SQLException {
        long[] cents = {0, 1, 5, 99, 100, 101, 10_000, 999_999, 1_000_000, 1_000_000_00L, 123_456_789_01L, 99_999_999_999_99L, -1, -307,
            -1_000_000};
        long[] micros = {0, 1, 946_684_800_000_000L, 1_795_000_000_123_456L, -1_000_000};
        PostgresServer pg = PostgresServer.shared();
        pg.createDatabase("sim_copy");
        try (Connection c = pg.connect("sim_copy"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (n numeric(16,2), ts timestamptz, label text)");
            try (CopyStream out = CopyStream.open(c, "t", false)) {
                for (int i = 0; i < cents.length; i++) {
                    out.row(3).cents(cents[i]).timestamp(micros[i % micros.length]).text(CopyStream.utf8("Zoë\t\\\"x\"\n😀"));
                }
                assertEquals(cents.length, out.finish());
            }
            List<String> expected = new ArrayList<>();
            for (long v : cents) {
                expected.add(String.format("%s%d.%02d", v < 0 ? "-" : "", Math.abs(v) / 100, Math.abs(v) % 100));
            }
            assertEquals(expected, ShopSchemaTest.rows(c, "SELECT n::text FROM t"));
            s.execute("SET TimeZone = 'UTC'");
            assertEquals(List.of("1970-01-01 00:00:00+00", "1970-01-01 00:00:00.000001+00", "2000-01-01 00:00:00+00",
                    "2026-11-18 11:06:40.123456+00", "1969-12-31 23:59:59+00"), ShopSchemaTest.rows(c, "SELECT ts::text FROM t LIMIT 5"));
            assertEquals(List.of("Zoë\t\\\"x\"\n😀"), ShopSchemaTest.rows(c, "SELECT DISTINCT label FROM t"));
            assertEquals("2026-11-18 11:06:40.123456+00", ShopDatabase.timestampText(1_795_000_000_123_456L));
        }
    }
}
