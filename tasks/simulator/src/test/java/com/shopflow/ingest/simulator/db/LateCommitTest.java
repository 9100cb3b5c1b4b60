package com.shopflow.ingest.simulator.db;

import static com.shopflow.ingest.simulator.db.ShopFillTest.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class LateCommitTest {
    static final Instant PAST = Instant.parse("2026-11-03T10:15:00Z");
    static final Instant DAY_START = Instant.parse("2026-11-03T00:00:00Z");
    static final Instant DAY_END = Instant.parse("2026-11-04T00:00:00Z");

    @Test
    void shouldStayInvisibleUntilCommitThenAppearInThePastInterval() throws SQLException {
        PostgresServer pg = PostgresServer.shared();
        pg.createDatabase("sim_late");
        try (Connection writer = pg.connect("sim_late"); Connection reader = pg.connect("sim_late")) {
            ShopDatabase.fill(reader, new Scale(1_000, 3, LocalDate.of(2026, 11, 1), 7));
            TableTruth ordersBefore = TableTruth.source(reader, "orders", DAY_START, DAY_END);
            TableTruth itemsBefore = TableTruth.source(reader, "order_items", DAY_START, DAY_END);

            LateCommit late = ShopDatabase.beginLateCommit(writer, PAST, 5);

            assertEquals(ordersBefore, TableTruth.source(reader, "orders", DAY_START, DAY_END), "invisible while open");
            assertEquals(itemsBefore, TableTruth.source(reader, "order_items", DAY_START, DAY_END));
            assertEquals(0, number(reader, "SELECT count(*) FROM orders WHERE id >= " + ShopDatabase.LATE_ID_BASE));
            // Traffic goes on meanwhile without waiting for the open transaction.
            try (Statement s = reader.createStatement()) {
                s.execute("SET statement_timeout = '20s'");
            }
            ShopDatabase.playDay(reader, LocalDate.of(2026, 11, 8), 3, DayTraffic.ofOrders(20));
            assertTrue(late.isOpen());

            late.commit();

            assertFalse(late.isOpen());
            assertTrue(writer.getAutoCommit(), "auto-commit restored");
            String lateInDay = " WHERE id >= " + ShopDatabase.LATE_ID_BASE + " AND updated_at >= '2026-11-03Z' AND updated_at < '2026-11-04Z'";
            assertEquals(5, number(reader, "SELECT count(*) FROM orders" + lateInDay));
            assertEquals(late.itemCount(), number(reader, "SELECT count(*) FROM order_items" + lateInDay));
            assertTrue(late.itemCount() >= 5);
            assertEquals(5, number(reader, "SELECT count(*) FROM orders WHERE updated_at = '2026-11-03T10:15:00Z'"
                    + " AND created_at = updated_at AND id >= " + ShopDatabase.LATE_ID_BASE));
            assertEquals(late.orderIds().get(0), number(reader, "SELECT min(id) FROM orders WHERE id >= " + ShopDatabase.LATE_ID_BASE));
        }
    }

    @Test
    void shouldLeaveNothingWhenRolledBack() throws SQLException {
        PostgresServer pg = PostgresServer.shared();
        pg.createDatabase("sim_late_rollback");
        try (Connection writer = pg.connect("sim_late_rollback")) {
            ShopDatabase.fill(writer, new Scale(100, 3, LocalDate.of(2026, 11, 1), 7));
            try (LateCommit late = ShopDatabase.beginLateCommit(writer, PAST, 3)) {
                assertEquals(3, late.orderIds().size());
            }
            assertEquals(0, number(writer, "SELECT count(*) FROM orders WHERE id >= " + ShopDatabase.LATE_ID_BASE));
            assertTrue(writer.getAutoCommit());
        }
    }
}
