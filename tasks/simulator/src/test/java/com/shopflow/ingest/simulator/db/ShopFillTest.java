package com.shopflow.ingest.simulator.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ShopFillTest {
    static final LocalDate FIRST = LocalDate.of(2026, 11, 1);
    static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant END = Instant.parse("2026-11-08T00:00:00Z");
    static final Scale SCALE = new Scale(10_000, 42, FIRST, 7);
    static Counts counts;

    @BeforeAll
    static void fill() throws SQLException {
        PostgresServer pg = PostgresServer.shared();
        pg.createDatabase("sim_fill_a");
        pg.createDatabase("sim_fill_b");
        pg.createDatabase("sim_fill_c");
        try (Connection a = pg.connect("sim_fill_a"); Connection b = pg.connect("sim_fill_b"); Connection c = pg.connect("sim_fill_c")) {
            counts = ShopDatabase.fill(a, SCALE);
            ShopDatabase.fill(b, SCALE);
            ShopDatabase.fill(c, new Scale(10_000, 43, FIRST, 7));
        }
    }

    @Test
    void shouldFillTheScaleAsked() throws SQLException {
        assertEquals(2_000, counts.customers());
        assertEquals(10_000, counts.orders());
        assertTrue(counts.orderItems() > 27_000 && counts.orderItems() < 33_000, "about 3 items per order: " + counts.orderItems());
        try (Connection c = PostgresServer.shared().connect("sim_fill_a")) {
            assertEquals(counts, ShopDatabase.counts(c));
            assertEquals(0, number(c, "SELECT count(*) FROM (SELECT order_id FROM order_items GROUP BY 1 HAVING count(*) NOT BETWEEN 1 AND 5) x"));
            assertEquals(10_000, number(c, "SELECT count(DISTINCT order_id) FROM order_items"));
            assertEquals(0, number(c, "SELECT count(*) FROM orders WHERE customer_id NOT BETWEEN 1 AND 2000"));
            assertEquals(1, number(c, """
                    SELECT (SELECT sum(total_amount) FROM orders) = (SELECT sum(quantity * unit_price) FROM order_items)::numeric
                    """), "order totals are the sums of their items");
        }
    }

    @Test
    void shouldSpreadTimestampsOverTheDaysWithUpdatedNotBeforeCreated() throws SQLException {
        try (Connection c = PostgresServer.shared().connect("sim_fill_a")) {
            for (String t : ShopSchema.TABLES) {
                assertEquals(0, number(c, "SELECT count(*) FROM " + t + " WHERE updated_at < created_at"), t);
                assertEquals(0, number(c, "SELECT count(*) FROM " + t
                        + " WHERE created_at < '2026-11-01Z' OR updated_at >= '2026-11-08Z'"), t);
                assertEquals(7, number(c, "SELECT count(DISTINCT date_trunc('day', updated_at AT TIME ZONE 'UTC')) FROM " + t), t);
            }
            assertTrue(number(c, "SELECT count(*) FROM orders WHERE updated_at > created_at") > 1000, "some orders were updated later");
            assertEquals(0, number(c, "SELECT count(*) FROM orders WHERE placed_at <> created_at"));
        }
    }

    @Test
    void shouldHoldNullsNonAsciiSpecialAndVeryLongText() throws SQLException {
        try (Connection c = PostgresServer.shared().connect("sim_fill_a")) {
            assertTrue(number(c, "SELECT count(*) FROM customers WHERE full_name IS NULL") > 0);
            assertTrue(number(c, "SELECT count(*) FROM customers WHERE country IS NULL") > 0);
            assertTrue(number(c, "SELECT count(*) FROM customers WHERE full_name ~ '[^\\x01-\\x7f]'") > 100, "non-ASCII names");
            assertTrue(number(c, "SELECT count(*) FROM customers WHERE email ~ '[^\\x01-\\x7f]'") > 100, "non-ASCII e-mails");
            assertTrue(number(c, "SELECT count(*) FROM customers WHERE full_name LIKE '%' || chr(10) || '%'") > 0, "newline");
            assertTrue(number(c, "SELECT count(*) FROM customers WHERE full_name LIKE '%' || chr(9) || '%'") > 0, "tab");
            assertTrue(number(c, "SELECT count(*) FROM customers WHERE full_name LIKE '%\\\\%'") > 0, "backslash");
            assertTrue(number(c, "SELECT count(*) FROM customers WHERE full_name LIKE '%😀%'") > 0, "emoji");
            assertTrue(number(c, "SELECT max(length(full_name)) FROM customers") > 10_000, "very long text");
        }
    }

    @Test
    void shouldBeDeterministicForASeed() throws SQLException {
        try (Connection a = PostgresServer.shared().connect("sim_fill_a"); Connection b = PostgresServer.shared().connect("sim_fill_b");
             Connection c = PostgresServer.shared().connect("sim_fill_c")) {
            for (String t : ShopSchema.TABLES) {
                TableTruth ta = TableTruth.source(a, t, START, END);
                TableTruth tb = TableTruth.source(b, t, START, END);
                assertEquals(ta, tb, t);
                assertNotEquals(ta.checksum(), TableTruth.source(c, t, START, END).checksum(), "another seed: " + t);
            }
        }
    }

    static long number(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            Object v = rs.getObject(1);
            return v instanceof Boolean bool ? (bool ? 1 : 0) : rs.getLong(1);
        }
    }
}
