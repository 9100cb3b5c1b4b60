package com.shopflow.ingest.core.landing;

import java.util.List;
import java.util.Set;

/**
 * How a partition keeps at most one row per key: among rows with the same key, the one with the greatest
 * {@code orderBy} values wins; remaining ties go to the greatest row text, so the choice never depends on
 * the order rows were staged in.
 *
 * @param suspects for a single text key: every key that may repeat (e.g. found with {@link KeyHashes}), so only
 *                 those rows are searched; null when unknown (the whole staging table is searched)
 */
public record Dedup(List<String> key, List<String> orderBy, Set<String> suspects) {
    public Dedup {
        key = List.copyOf(key);
        orderBy = List.copyOf(orderBy);
        suspects = suspects == null ? null : Set.copyOf(suspects);
        if (suspects != null && key.size() != 1) {
            throw new IllegalArgumentException("suspect keys need a single key column");
        }
    }

    public Dedup(List<String> key, List<String> orderBy) {
        this(key, orderBy, null);
    }
}
