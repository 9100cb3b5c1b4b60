package com.shopflow.ingest.simulator.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.shopflow.ingest.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The source truth equals the documented warehouse query over a faithful copy of the partition. */
class TableTruthTest {
    static final Instant START = Instant.parse("2026-11-02T00:00:00Z");
    static final Instant END = Instant.parse("2026-11-03T00:00:00Z");

    @Test
    void shouldMatchTheWarehouseFormulaOverALandedCopy() throws SQLException {
        PostgresServer pg = PostgresServer.shared();
        pg.createDatabase("sim_truth");
        try (Connection c = pg.connect("sim_truth"); Statement s = c.createStatement()) {
            ShopDatabase.fill(c, new Scale(3_000, 5, LocalDate.of(2026, 11, 1), 4));
            ShopDatabase.playDay(c, LocalDate.of(2026, 11, 2), 5, DayTraffic.ofOrders(50).withDiscount(true));
            s.execute("SET TimeZone = 'America/New_York'"); // the caller's session settings must not matter
            s.execute("CREATE SCHEMA raw");
            for (String t : ShopSchema.TABLES) {
                s.execute("CREATE TABLE raw." + t + " AS SELECT *, '2026-11-02Z'::timestamptz AS _interval_start,"
                        + " '2026-11-03Z'::timestamptz AS _interval_end FROM public." + t
                        + " WHERE updated_at >= '2026-11-02Z' AND updated_at < '2026-11-03Z'");
                TableTruth source = TableTruth.source(c, t, START, END);
                assertNotEquals(0, source.count());
                assertEquals(source, TableTruth.landed(c, "raw", t, source.columns(), START, END), t);
                String list = String.join(", ", source.columns());
                s.execute("SET TimeZone = 'UTC'");
                try (ResultSet rs = s.executeQuery("SELECT count(*), md5(string_agg(md5(t::text), '' ORDER BY id)) FROM (SELECT "
                        + list + " FROM raw." + t + " WHERE _interval_start = '2026-11-02Z' AND _interval_end = '2026-11-03Z') t")) {
                    rs.next();
                    assertEquals(source.count(), rs.getLong(1));
                    assertEquals(source.checksum(), rs.getString(2), "the documented formula, by hand");
                }
                s.execute("SET TimeZone = 'America/New_York'");
            }
            assertEquals(List.of("id", "customer_id", "status", "currency", "total_amount", "placed_at", "created_at", "updated_at",
                    "discount"), TableTruth.source(c, "orders", START, END).columns());
            s.execute("UPDATE raw.orders SET status = status || ' ' WHERE id = (SELECT min(id) FROM raw.orders)");
            TableTruth source = TableTruth.source(c, "orders", START, END);
            assertNotEquals(source.checksum(), TableTruth.landed(c, "raw", "orders", source.columns(), START, END).checksum(),
                    "one changed value changes the checksum");
            assertEquals("empty", TableTruth.source(c, "orders", Instant.parse("2030-01-01T00:00:00Z"),
                    Instant.parse("2030-01-02T00:00:00Z")).checksum());
        }
    }
}
