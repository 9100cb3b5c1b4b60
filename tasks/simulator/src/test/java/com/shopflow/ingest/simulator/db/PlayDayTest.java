package com.shopflow.ingest.simulator.db;

import static com.shopflow.ingest.simulator.db.ShopFillTest.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PlayDayTest {
    static final LocalDate FIRST = LocalDate.of(2026, 11, 1);
    static final LocalDate DAY8 = LocalDate.of(2026, 11, 8);
    static final LocalDate DAY9 = LocalDate.of(2026, 11, 9);
    static final LocalDate DAY10 = LocalDate.of(2026, 11, 10);
    static Counts day8;

    @BeforeAll
    static void play() throws SQLException {
        PostgresServer pg = PostgresServer.shared();
        for (String db : List.of("sim_play_a", "sim_play_b")) {
            pg.createDatabase(db);
            try (Connection c = pg.connect(db)) {
                ShopDatabase.fill(c, new Scale(2_000, 9, FIRST, 7));
                day8 = ShopDatabase.playDay(c, DAY8, 9, DayTraffic.ofOrders(100));
                ShopDatabase.playDay(c, DAY9, 9, DayTraffic.ofOrders(100));
                ShopDatabase.playDay(c, DAY10, 9, DayTraffic.ofOrders(100).withDiscount(true));
            }
        }
    }

    @Test
    void shouldInsertNewRowsCreatedThatDay() throws SQLException {
        try (Connection c = PostgresServer.shared().connect("sim_play_a")) {
            assertEquals(100, number(c, "SELECT count(*) FROM orders WHERE created_at >= '2026-11-08Z' AND created_at < '2026-11-09Z'"));
            assertEquals(20, number(c, "SELECT count(*) FROM customers WHERE created_at >= '2026-11-08Z' AND created_at < '2026-11-09Z'"));
            assertEquals(number(c, "SELECT count(*) FROM order_items WHERE order_id BETWEEN 2001 AND 2100"),
                    number(c, "SELECT count(*) FROM order_items WHERE created_at >= '2026-11-08Z' AND created_at < '2026-11-09Z'"));
            // Later days correct item quantities without touching totals: check the last day's orders only.
            assertEquals(0, number(c, "SELECT count(*) FROM orders o WHERE id > 2200 AND total_amount <>"
                    + " (SELECT sum(quantity * unit_price) FROM order_items i WHERE i.order_id = o.id)"));
        }
    }

    @Test
    void shouldMoveUpdatedAtOfOlderRowsIntoTheDay() throws SQLException {
        try (Connection c = PostgresServer.shared().connect("sim_play_a")) {
            for (String t : ShopSchema.TABLES) {
                long moved = number(c, "SELECT count(*) FROM " + t + " WHERE created_at < '2026-11-08Z'"
                        + " AND updated_at >= '2026-11-08Z' AND updated_at < '2026-11-09Z'");
                assertTrue(moved > 0, "older rows of " + t + " updated on the 8th: " + moved);
                assertEquals(0, number(c, "SELECT count(*) FROM " + t + " WHERE updated_at < created_at"), t);
                assertEquals(0, number(c, "SELECT count(*) FROM " + t + " WHERE updated_at >= '2026-11-11Z'"), t);
            }
            assertTrue(day8.orders() > 100, "new plus updated orders: " + day8.orders());
        }
    }

    @Test
    void shouldAddTheDiscountColumnOnItsDayOnly() throws SQLException {
        PostgresServer pg = PostgresServer.shared();
        pg.createDatabase("sim_play_discount");
        try (Connection c = pg.connect("sim_play_discount")) {
            ShopDatabase.fill(c, new Scale(500, 9, FIRST, 7));
            ShopDatabase.playDay(c, DAY8, 9, DayTraffic.ofOrders(50));
            assertFalse(ShopSchema.hasDiscountColumn(c), "no discount before its day");
        }
        try (Connection c = pg.connect("sim_play_a")) {
            assertEquals(List.of("discount numeric(12,2) YES"), ShopSchemaTest.rows(c, """
                    SELECT column_name || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || is_nullable
                    FROM information_schema.columns col JOIN pg_attribute a ON a.attrelid = 'public.orders'::regclass
                      AND a.attname = col.column_name
                    WHERE table_name = 'orders' AND column_name = 'discount'"""));
            assertEquals("discount", TableTruth.columns(c, "orders").get(8), "added last");
            assertEquals(0, number(c, "SELECT count(*) FROM orders WHERE discount IS NOT NULL AND updated_at < '2026-11-10Z'"));
            long discounted = number(c, "SELECT count(*) FROM orders WHERE discount IS NOT NULL");
            assertTrue(discounted >= 15 && discounted <= 35, "about a quarter of the day's 100 new orders: " + discounted);
        }
    }

    @Test
    void shouldPlayTheSameDayTheSameWayForASeed() throws SQLException {
        try (Connection a = PostgresServer.shared().connect("sim_play_a"); Connection b = PostgresServer.shared().connect("sim_play_b")) {
            for (String t : ShopSchema.TABLES) {
                TableTruth ta = TableTruth.source(a, t, Instant.parse("2026-11-08T00:00:00Z"), Instant.parse("2026-11-11T00:00:00Z"));
                assertEquals(ta, TableTruth.source(b, t, Instant.parse("2026-11-08T00:00:00Z"), Instant.parse("2026-11-11T00:00:00Z")));
                assertNotEquals("empty", ta.checksum());
            }
        }
    }
}
