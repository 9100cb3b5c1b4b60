package com.shopflow.ingest.simulator.db;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.Set;

/** One day of change traffic (see {@link ShopDatabase#playDay}), run inside the caller's transaction. */
final class DayPlay {
    private static final String[] EDITED_NAMES = {"Zoë Édith Åberg", "José María Nuñez", "李小龍", "Anne \"Nan\" O'Neil",
        "New\nLine Name", null};
    private final Connection c;
    private final DayTraffic t;
    private final long dayStart;
    private final long daySeed;
    private final SeededRandom r;

    DayPlay(Connection c, LocalDate day, long seed, DayTraffic traffic) {
        this.c = c;
        this.t = traffic;
        this.dayStart = ShopDatabase.micros(day);
        this.daySeed = SeededRandom.mix(seed, day.toEpochDay());
        this.r = new SeededRandom(SeededRandom.mix(daySeed, 99));
    }

    Counts run() throws SQLException {
        if (t.addDiscount()) {
            ShopSchema.addDiscountColumn(c);
        }
        long maxC = ShopDatabase.maxId(c, "customers");
        long maxO = ShopDatabase.maxId(c, "orders");
        long maxI = ShopDatabase.maxId(c, "order_items");
        ShopRows rows = new ShopRows(daySeed, dayStart, dayStart + ShopRows.MICROS_PER_DAY);
        Counts inserted = ShopDatabase.load(c, rows, maxC, maxC + t.newCustomers(), maxO, maxO + t.newOrders(), maxI,
                maxC + t.newCustomers(), false);
        if (ShopSchema.hasDiscountColumn(c)) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE public.orders SET discount = round(total_amount * 0.10, 2)"
                    + " WHERE id > ? AND id <= ? AND id % 4 = ?")) {
                ps.setLong(1, maxO);
                ps.setLong(2, maxO + t.newOrders());
                ps.setLong(3, Math.floorMod(daySeed, 4));
                ps.executeUpdate();
            }
        }
        long statuses = updateStatuses(maxO);
        long customers = editCustomers(maxC);
        long items = editItems(maxI);
        return inserted.plus(new Counts(customers, statuses, items));
    }

    private long updateStatuses(long maxO) throws SQLException {
        Long[] ids = pickIds(maxO, t.statusUpdates());
        String[] ts = times(ids.length);
        Boolean[] cancel = new Boolean[ids.length];
        for (int i = 0; i < ids.length; i++) {
            cancel[i] = r.oneIn(10);
        }
        String sql = """
                UPDATE public.orders o SET updated_at = u.ts, status = CASE WHEN u.cancel THEN 'cancelled'
                  WHEN o.status = 'placed' THEN 'paid' WHEN o.status = 'paid' THEN 'shipped' ELSE 'delivered' END
                FROM unnest(?::bigint[], ?::text[]::timestamptz[], ?::boolean[]) AS u(id, ts, cancel)
                WHERE o.id = u.id AND o.status NOT IN ('delivered', 'cancelled')
                  AND o.created_at <= u.ts AND o.updated_at <= u.ts""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("bigint", ids));
            ps.setArray(2, c.createArrayOf("text", ts));
            ps.setArray(3, c.createArrayOf("boolean", cancel));
            return ps.executeUpdate();
        }
    }

    private long editCustomers(long maxC) throws SQLException {
        Long[] ids = pickIds(maxC, t.editedCustomers());
        String[] ts = times(ids.length);
        String[] names = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            names[i] = r.pick(EDITED_NAMES);
        }
        String sql = """
                UPDATE public.customers c SET full_name = u.name, updated_at = u.ts
                FROM unnest(?::bigint[], ?::text[]::timestamptz[], ?::text[]) AS u(id, ts, name)
                WHERE c.id = u.id AND c.created_at <= u.ts AND c.updated_at <= u.ts""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("bigint", ids));
            ps.setArray(2, c.createArrayOf("text", ts));
            ps.setArray(3, c.createArrayOf("text", names));
            return ps.executeUpdate();
        }
    }

    private long editItems(long maxI) throws SQLException {
        Long[] ids = pickIds(maxI, t.editedItems());
        String sql = """
                UPDATE public.order_items i SET quantity = i.quantity + 1, updated_at = u.ts
                FROM unnest(?::bigint[], ?::text[]::timestamptz[]) AS u(id, ts)
                WHERE i.id = u.id AND i.created_at <= u.ts AND i.updated_at <= u.ts""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Array a = c.createArrayOf("bigint", ids);
            ps.setArray(1, a);
            ps.setArray(2, c.createArrayOf("text", times(ids.length)));
            return ps.executeUpdate();
        }
    }

    /** Up to {@code n} distinct ids in [1, max]. */
    private Long[] pickIds(long max, int n) {
        Set<Long> ids = new LinkedHashSet<>();
        for (int i = 0; max > 0 && i < n * 3 && ids.size() < n; i++) {
            ids.add(1 + r.nextLong(max));
        }
        return ids.toArray(Long[]::new);
    }

    private String[] times(int n) {
        String[] ts = new String[n];
        for (int i = 0; i < n; i++) {
            ts[i] = ShopDatabase.timestampText(dayStart + r.nextLong(ShopRows.MICROS_PER_DAY));
        }
        return ts;
    }
}
