package com.shopflow.ingest.core.landing;

import java.util.List;

/**
 * How a partition keeps at most one row per key: among rows with the same key, the one with the greatest
 * {@code orderBy} values wins; remaining ties go to the greatest row text, so the choice never depends on
 * the order rows were staged in.
 */
public record Dedup(List<String> key, List<String> orderBy) {
    public Dedup {
        key = List.copyOf(key);
        orderBy = List.copyOf(orderBy);
    }
}
