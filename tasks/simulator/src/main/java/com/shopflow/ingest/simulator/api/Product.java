package com.shopflow.ingest.simulator.api;

import java.time.Instant;

/**
 * One version of a catalog product. Times are microseconds since the epoch (PostgreSQL's resolution), so a
 * value landed in the warehouse compares equal to the one served.
 *
 * @param revision 1 for the generated version, +1 per edit
 */
public record Product(long id, String sku, String name, String category, long priceCents, String currency, boolean active,
                      String attributesJson, long createdAtMicros, long updatedAtMicros, int revision) {

    public Instant updatedAt() {
        return micros(updatedAtMicros);
    }

    public Instant createdAt() {
        return micros(createdAtMicros);
    }

    static Instant micros(long m) {
        return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000L);
    }

    static long micros(Instant t) {
        return Math.multiplyExact(t.getEpochSecond(), 1_000_000L) + t.getNano() / 1000;
    }

    /** This version after an edit at {@code newUpdatedAtMicros}: the price moves and the revision counts up. */
    Product edited(long newUpdatedAtMicros) {
        return new Product(id, sku, name, category, priceCents + 1 + revision, currency, !active || revision % 2 == 0,
                attributesJson, createdAtMicros, newUpdatedAtMicros, revision + 1);
    }

    /** The item as the API serves it. */
    public String json(boolean newFields) {
        return json(newFields, null);
    }

    /** @param omit a field left out (to play a malformed answer), or null */
    String json(boolean newFields, String omit) {
        StringBuilder b = new StringBuilder(256).append('{');
        if (!"id".equals(omit)) {
            b.append("\"id\":").append(id).append(',');
        }
        b.append("\"sku\":").append(JsonText.quote(sku))
                .append(",\"name\":").append(JsonText.quote(name))
                .append(",\"category\":").append(JsonText.quote(category))
                .append(",\"price\":\"").append(priceCents / 100).append('.').append(String.format("%02d", priceCents % 100)).append('"')
                .append(",\"currency\":").append(JsonText.quote(currency))
                .append(",\"active\":").append(active)
                .append(",\"attributes\":").append(attributesJson)
                .append(",\"created_at\":").append(JsonText.quote(createdAt().toString()));
        if (!"updated_at".equals(omit)) {
            b.append(",\"updated_at\":").append(JsonText.quote(updatedAt().toString()));
        }
        if (newFields) {
            // Fields the contract does not list: a nested object, an array, a high-precision number.
            b.append(",\"brand\":").append(JsonText.quote(id % 5 == 0 ? null : "Brand " + (char) ('A' + id % 26)))
                    .append(",\"dimensions_cm\":{\"w\":").append(10 + id % 40).append(".5,\"h\":").append(3 + id % 7).append('}')
                    .append(",\"barcodes\":[\"").append(4_000_000_000_000L + id).append("\"]")
                    .append(",\"weight_kg\":0.").append(String.format("%015d", id * 7919L % 1_000_000_000_000_000L));
        }
        return b.append('}').toString();
    }
}
