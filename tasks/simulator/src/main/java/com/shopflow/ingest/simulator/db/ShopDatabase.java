package com.shopflow.ingest.simulator.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The ShopFlow operational database, played on a real PostgreSQL: schema, bulk fill, a day of change traffic, and
 * late commits. Everything is deterministic for a seed. Each method works on the caller's connection and leaves
 * its auto-commit setting as it found it (a {@link LateCommit} holds it until committed).
 *
 * <p>Ids below {@link #LATE_ID_BASE} are allocated as max + 1 by fills and days; late commits use ids above it, so a
 * day of traffic can be played while a late transaction is still open.
 */
public final class ShopDatabase {
    /** Ids of rows inserted by late commits start here; every other id is below. */
    public static final long LATE_ID_BASE = 1_000_000_000_000_000L;
    static final String ORDER_COLUMNS = "(id, customer_id, status, currency, total_amount, placed_at, created_at, updated_at)";

    private ShopDatabase() {
    }

    /** Creates (replacing) the schema of CONTRACT section 1.1, empty. */
    public static void create(Connection c) throws SQLException {
        inTransaction(c, () -> {
            ShopSchema.create(c);
            return null;
        });
    }

    /**
     * Replaces the three tables with a fresh fill at {@code scale}: COPY ... FREEZE into bare tables in one
     * transaction, then primary keys and indexes, then ANALYZE. Memory stays constant whatever the scale.
     */
    public static Counts fill(Connection c, Scale scale) throws SQLException {
        Counts counts = inTransaction(c, () -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL maintenance_work_mem = '256MB'");
            }
            ShopSchema.createTables(c);
            ShopRows rows = new ShopRows(scale.seed(), scale.startMicros(), scale.endMicros());
            Counts written = load(c, rows, 0, scale.customers(), 0, scale.orders(), 0, scale.customers(), true);
            ShopSchema.addKeysAndIndexes(c);
            return written;
        });
        try (Statement s = c.createStatement()) {
            s.execute("ANALYZE public.customers, public.orders, public.order_items");
        }
        return counts;
    }

    /** Streams customers (firstC, lastC], orders (firstO, lastO] and their items (ids after firstItem). */
    static Counts load(Connection c, ShopRows rows, long firstC, long lastC, long firstO, long lastO,
                               long firstItem, long customers, boolean freeze) throws SQLException {
        long cs;
        try (CopyStream out = CopyStream.open(c, "public.customers (id, email, full_name, country, created_at, updated_at)", freeze)) {
            for (long id = firstC + 1; id <= lastC; id++) {
                rows.customer(out, id);
            }
            cs = out.finish();
        }
        long os;
        try (CopyStream out = CopyStream.open(c, "public.orders " + ORDER_COLUMNS, freeze)) {
            for (long id = firstO + 1; id <= lastO; id++) {
                rows.order(out, id, customers);
            }
            os = out.finish();
        }
        long is;
        try (CopyStream out = CopyStream.open(c, "public.order_items (id, order_id, product_id, quantity, unit_price, created_at, updated_at)", freeze)) {
            long next = firstItem + 1;
            for (long id = firstO + 1; id <= lastO; id++) {
                next += rows.items(out, id, next);
            }
            is = out.finish();
        }
        return new Counts(cs, os, is);
    }

    /**
     * One day of change traffic, committed at once: new customers, new orders with items, status updates of older
     * orders, edited customers and items. Every written row gets an updated_at inside {@code day} (UTC) and never
     * earlier than its created_at or its previous updated_at (a row that would break this is skipped). On the day
     * {@code traffic.addDiscount()} is set, {@code orders.discount} is added; from then on about a quarter of each
     * day's new orders get one.
     *
     * @return rows inserted or updated per table
     */
    public static Counts playDay(Connection c, LocalDate day, long seed, DayTraffic traffic) throws SQLException {
        return inTransaction(c, () -> new DayPlay(c, day, seed, traffic).run());
    }

    /**
     * Opens a transaction on {@code c} that inserts {@code n} orders (with their items) whose created_at and
     * updated_at are {@code past}, as a long transaction of the web app does; nothing is visible to other sessions
     * until {@link LateCommit#commit()}. The connection is dedicated to it until then.
     */
    public static LateCommit beginLateCommit(Connection c, Instant past, int n) throws SQLException {
        return LateCommit.begin(c, past, n, 0);
    }

    /** Row count per table. */
    public static Counts counts(Connection c) throws SQLException {
        return new Counts(count(c, "customers"), count(c, "orders"), count(c, "order_items"));
    }

    static long count(Connection c, String table) throws SQLException {
        return single(c, "SELECT count(*) FROM public." + table);
    }

    static long maxId(Connection c, String table) throws SQLException {
        return single(c, "SELECT coalesce(max(id), 0) FROM public." + table + " WHERE id < " + LATE_ID_BASE);
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long micros(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
    }

    static String timestampText(long micros) {
        byte[] b = new byte[32];
        int n = Digits.writeTimestamp(micros, b, 0);
        return new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    interface Work<T> {
        T run() throws SQLException;
    }

    static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
