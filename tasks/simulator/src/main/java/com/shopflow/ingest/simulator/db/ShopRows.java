package com.shopflow.ingest.simulator.db;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * Generates the rows of the three tables for a time window, each row a pure function of (seed, table, id): the
 * same seed gives the same database whatever the scale or the order of generation. Text includes non-ASCII,
 * quotes, commas, tabs, newlines, backslashes, NULLs and a few names of about 10,000 characters.
 */
final class ShopRows {
    static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final long CUSTOMER = 1;
    private static final long ORDER = 2;
    private static final long ITEMS = 3;
    private static final String[] STATUSES = {"placed", "placed", "paid", "paid", "shipped", "shipped",
        "delivered", "delivered", "delivered", "cancelled"};
    private static final byte[][] STATUS_BYTES = bytes(STATUSES);
    private static final byte[][] CURRENCIES = bytes(new String[] {"EUR", "EUR", "EUR", "USD", "USD", "GBP", "CHF", "PLN"});
    private static final byte[][] COUNTRIES = bytes(new String[] {"DE", "FR", "US", "GB", "ES", "IT", "NL", "PL", "SE",
        "JP", "BR", "CH", "Österreich", "Côte d'Ivoire"});
    private static final byte[][] FIRST = bytes(new String[] {"Anna", "José", "Zoë", "Łukasz", "Søren", "Amélie", "李",
        "Ngọc Anh", "محمد", "Björk", "Renée", "Ωmega", "Jean-Luc", "Siobhán", "Dvořák", "Ana María"});
    private static final byte[][] LAST = bytes(new String[] {"Smith", "García", "Øvergård", "Núñez", "田中", "Иванов",
        "O'Brien", "Quote \"Q\" Jones", "Comma, Jr.", "Tab\tSeparated", "Back\\slash", "Line\nBreak", "Emoji 😀",
        "Müller-Lüdenscheidt", "van der Berg", "Nguyễn"});
    private static final byte[] LONG_NAME = CopyStream.utf8("Hubert Blaine " + "Wolfeschlegelsteinhausenbergerdorff ".repeat(300)
            + "Sr. — ünïcödé tail");
    private static final byte[][] LOCAL = bytes(new String[] {"anna", "jose", "zoe", "josé", "zoë", "mueller", "li", "o.brien"});
    private static final byte[][] DOMAINS = bytes(new String[] {"@example.com", "@exämple.de", "@shop.example", "@mail.example.org"});
    private static final byte[] C = ascii("c");
    private static final byte[] DOT = ascii(".");
    private static final byte[] SPACE = ascii(" ");

    private final long seed;
    private final long start;
    private final long span;
    private final SeededRandom r = new SeededRandom(0);
    private final SeededRandom items = new SeededRandom(0);

    /** Rows whose created_at and updated_at fall in [startMicros, endMicros). */
    ShopRows(long seed, long startMicros, long endMicros) {
        if (endMicros <= startMicros) {
            throw new IllegalArgumentException("empty time window");
        }
        this.seed = seed;
        this.start = startMicros;
        this.span = endMicros - startMicros;
    }

    void customer(CopyStream out, long id) throws SQLException {
        r.reset(SeededRandom.mix(seed, CUSTOMER, id));
        long created = start + r.nextLong(span);
        long updated = r.oneIn(4) ? created + r.nextLong(start + span - created) : created;
        out.row(6).int8(id);
        out.beginText().append(C).appendNumber(id).append(DOT).append(LOCAL[r.nextInt(LOCAL.length)])
                .append(DOMAINS[r.nextInt(DOMAINS.length)]).endText();
        int kind = r.nextInt(1000);
        if (kind < 30) {
            out.nul();
        } else if (kind < 32) {
            out.text(LONG_NAME);
        } else {
            out.beginText().append(FIRST[r.nextInt(FIRST.length)]).append(SPACE).append(LAST[r.nextInt(LAST.length)]).endText();
        }
        if (r.oneIn(20)) {
            out.nul();
        } else {
            out.text(COUNTRIES[r.nextInt(COUNTRIES.length)]);
        }
        out.timestamp(created).timestamp(updated);
    }

    /** One order; its total is the sum of the items {@link #items} generates for it. */
    void order(CopyStream out, long id, long customers) throws SQLException {
        r.reset(SeededRandom.mix(seed, ORDER, id));
        long created = start + r.nextLong(span);
        long customer = 1 + r.nextLong(customers);
        int status = r.nextInt(STATUSES.length);
        long updated = status < 2 ? created : created + r.nextLong(Math.min(3 * MICROS_PER_DAY, start + span - created));
        byte[] currency = CURRENCIES[r.nextInt(CURRENCIES.length)];
        long total = 0;
        items.reset(SeededRandom.mix(seed, ITEMS, id));
        for (int n = itemCount(), i = 0; i < n; i++) {
            items.nextLong();
            total += (1 + items.nextInt(5)) * (long) (99 + items.nextInt(20_000));
        }
        out.row(8).int8(id).int8(customer).text(STATUS_BYTES[status]).text(currency).cents(total)
                .timestamp(created).timestamp(created).timestamp(updated);
    }

    /** The items of one order, ids from {@code firstItemId}; returns how many. */
    int items(CopyStream out, long orderId, long firstItemId) throws SQLException {
        r.reset(SeededRandom.mix(seed, ORDER, orderId));
        long created = start + r.nextLong(span);
        items.reset(SeededRandom.mix(seed, ITEMS, orderId));
        int n = itemCount();
        for (int i = 0; i < n; i++) {
            long product = 1 + items.nextLong(10_000);
            int quantity = 1 + items.nextInt(5);
            long price = 99 + items.nextInt(20_000);
            out.row(7).int8(firstItemId + i).int8(orderId).int8(product).int4(quantity).cents(price)
                    .timestamp(created).timestamp(created);
        }
        return n;
    }

    /** 1 to 5 items, 3 on average; the first draw of the items stream. */
    private int itemCount() {
        return 1 + items.nextInt(5);
    }

    private static byte[][] bytes(String[] values) {
        byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = CopyStream.utf8(values[i]);
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
