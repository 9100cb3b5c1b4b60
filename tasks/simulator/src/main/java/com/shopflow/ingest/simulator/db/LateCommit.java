package com.shopflow.ingest.simulator.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;

/**
 * An open transaction holding orders (and their items) whose updated_at is already in the past: what a long
 * transaction of the web app does. Other sessions see none of it until {@link #commit()}; an extraction of the
 * interval containing {@link #updatedAt()} that runs before the commit misses these rows.
 *
 * <p>Order ids are {@code LATE_ID_BASE + epochSecond(updatedAt) * 100,000 + k}; item ids are
 * {@code LATE_ID_BASE + epochSecond * 500,000 + 5k + j}. Two late commits for the same second would collide.
 * While open it holds row-exclusive locks on orders and order_items, so an ALTER TABLE of them (the discount
 * day) waits for the commit, as it would in production: add the column before beginning a late commit.
 */
public final class LateCommit implements AutoCloseable {
    private final Connection c;
    private final boolean autoCommit;
    private final Instant updatedAt;
    private final List<Long> orderIds;
    private final long items;
    private boolean open = true;

    private LateCommit(Connection c, boolean autoCommit, Instant updatedAt, List<Long> orderIds, long items) {
        this.c = c;
        this.autoCommit = autoCommit;
        this.updatedAt = updatedAt;
        this.orderIds = orderIds;
        this.items = items;
    }

    static LateCommit begin(Connection c, Instant past, int n, long seed) throws SQLException {
        if (n < 1 || n > 100_000) {
            throw new IllegalArgumentException("a late commit holds 1 to 100000 orders");
        }
        long micros = Math.multiplyExact(past.getEpochSecond(), 1_000_000L) + past.getNano() / 1000;
        long second = past.getEpochSecond();
        long orderBase = ShopDatabase.LATE_ID_BASE + second * 100_000L;
        long itemBase = ShopDatabase.LATE_ID_BASE + second * 500_000L;
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            long customers = Math.max(1, ShopDatabase.maxId(c, "customers"));
            // A one-microsecond window: every timestamp of these rows is exactly `past`.
            ShopRows rows = new ShopRows(SeededRandom.mix(seed, second), micros, micros + 1);
            try (CopyStream out = CopyStream.open(c, "public.orders " + ShopDatabase.ORDER_COLUMNS, false)) {
                for (int k = 0; k < n; k++) {
                    rows.order(out, orderBase + k, customers);
                }
                out.finish();
            }
            long items;
            try (CopyStream out = CopyStream.open(c,
                    "public.order_items (id, order_id, product_id, quantity, unit_price, created_at, updated_at)", false)) {
                for (int k = 0; k < n; k++) {
                    rows.items(out, orderBase + k, itemBase + 5L * k);
                }
                items = out.finish();
            }
            List<Long> ids = LongStream.range(0, n).mapToObj(k -> orderBase + k).toList();
            return new LateCommit(c, auto, past, ids, items);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            c.setAutoCommit(auto);
            throw e;
        }
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    /** The ids of the held orders. */
    public List<Long> orderIds() {
        return orderIds;
    }

    public long itemCount() {
        return items;
    }

    public boolean isOpen() {
        return open;
    }

    public void commit() throws SQLException {
        end(true);
    }

    public void rollback() throws SQLException {
        end(false);
    }

    private void end(boolean commit) throws SQLException {
        if (!open) {
            return;
        }
        open = false;
        try {
            if (commit) {
                c.commit();
            } else {
                c.rollback();
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** Rolls back unless committed. */
    @Override
    public void close() throws SQLException {
        rollback();
    }
}
