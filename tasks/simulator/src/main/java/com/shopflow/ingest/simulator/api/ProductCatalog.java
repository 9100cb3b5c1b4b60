package com.shopflow.ingest.simulator.api;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

/**
 * The products behind the API, deterministic for a seed: ids from 1, {@code updated_at} spread over the day
 * range at microsecond resolution, with some products sharing an {@code updated_at} so that the id breaks
 * ties. Kept ordered by {@code (updated_at, id)}, the API's pagination order; edits move a product.
 */
final class ProductCatalog {
    /** The pagination order. */
    record Key(long updatedAtMicros, long id) implements Comparable<Key> {
        private static final Comparator<Key> ORDER = Comparator.comparingLong(Key::updatedAtMicros).thenComparingLong(Key::id);

        @Override
        public int compareTo(Key o) {
            return ORDER.compare(this, o);
        }

        static Key of(Product p) {
            return new Key(p.updatedAtMicros(), p.id());
        }
    }

    /** Products of one page in order, and whether more follow within the bounds. */
    record Slice(List<Product> items, boolean more) {
    }

    private static final String[] ADJECTIVES = {"Classic", "Organic", "Compact", "Deluxe", "Café", "Größe", "Smart", "Vintage",
        "\"Pro\"", "Eco", "日本", "Ultra"};
    private static final String[] NOUNS = {"Mug", "Backpack", "Lamp", "Chair", "Kettle", "Notebook", "Headphones", "Teapot",
        "Sneakers", "Blender", "Desk 120\\80", "Jacket"};
    private static final String[] CATEGORIES = {"kitchen", "outdoor", "office", "audio", "fashion", "home"};
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "CHF"};
    private static final String[] COLORS = {"red", "blue", "black", "white", "green", "crème"};

    private final NavigableMap<Key, Product> byTime = new TreeMap<>();
    private final Map<Long, Product> byId = new HashMap<>();

    static ProductCatalog generate(int n, long seed, LocalDate firstDay, int days) {
        ProductCatalog c = new ProductCatalog();
        Random r = new Random(seed);
        long start = Product.micros(firstDay.atStartOfDay(ZoneOffset.UTC).toInstant());
        long span = days * 86_400_000_000L;
        long previous = start;
        for (int i = 1; i <= n; i++) {
            long updated = r.nextInt(50) == 0 ? previous : start + (long) (r.nextDouble() * span);
            previous = updated;
            long created = updated - (long) (r.nextDouble() * 400 * 86_400_000_000L);
            String name = ADJECTIVES[r.nextInt(ADJECTIVES.length)] + " " + NOUNS[r.nextInt(NOUNS.length)];
            String category = r.nextInt(10) == 0 ? null : CATEGORIES[r.nextInt(CATEGORIES.length)];
            String attributes = "{\"color\":" + JsonText.quote(COLORS[r.nextInt(COLORS.length)]) + ",\"size\":"
                    + JsonText.quote(r.nextBoolean() ? "M" : "XL") + ",\"tags\":[" + (r.nextBoolean() ? "\"new\",\"eco\"" : "")
                    + "],\"stock\":" + r.nextInt(500) + (r.nextInt(4) == 0 ? ",\"note\":null" : "") + "}";
            Product p = new Product(i, String.format("SKU-%07d", i), name, category, 99 + r.nextInt(99_900),
                    CURRENCIES[r.nextInt(CURRENCIES.length)], r.nextInt(8) != 0, attributes, created, updated, 1);
            c.put(p);
        }
        return c;
    }

    private void put(Product p) {
        byTime.put(Key.of(p), p);
        byId.put(p.id(), p);
    }

    synchronized int size() {
        return byId.size();
    }

    /**
     * Up to {@code limit} products with {@code since <= updated_at < before}, after {@code after} (exclusive;
     * null from the start), in pagination order.
     */
    synchronized Slice page(long since, long before, Key after, int limit) {
        NavigableMap<Key, Product> range = byTime.subMap(new Key(since, Long.MIN_VALUE), true, new Key(before, Long.MIN_VALUE), false);
        if (after != null) {
            range = range.tailMap(after, false);
        }
        List<Product> items = new ArrayList<>(limit);
        boolean more = false;
        for (Product p : range.values()) {
            if (items.size() == limit) {
                more = true;
                break;
            }
            items.add(p);
        }
        return new Slice(items, more);
    }

    synchronized Product at(Key key) {
        return byTime.get(key);
    }

    /** Edits a product if it is still the version given; returns the new version or null. */
    synchronized Product edit(Product served, long newUpdatedAtMicros) {
        Product current = byId.get(served.id());
        if (current == null || current.updatedAtMicros() != served.updatedAtMicros() || newUpdatedAtMicros <= current.updatedAtMicros()) {
            return null;
        }
        byTime.remove(Key.of(current));
        Product next = current.edited(newUpdatedAtMicros);
        put(next);
        return next;
    }

    /** The current version of every product with {@code since <= updated_at < before}, by id. */
    synchronized List<Product> between(long since, long before) {
        List<Product> out = new ArrayList<>(byTime.subMap(new Key(since, Long.MIN_VALUE), true, new Key(before, Long.MIN_VALUE), false).values());
        out.sort(Comparator.comparingLong(Product::id));
        return out;
    }
}
