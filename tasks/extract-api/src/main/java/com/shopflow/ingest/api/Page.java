package com.shopflow.ingest.api;

import java.time.Instant;
import java.util.List;

/**
 * One page of a pagination.
 *
 * @param number      1-based page number within the pagination
 * @param items       items in the interval, as received (duplicates included)
 * @param nextCursor  null on the last page
 * @param receivedAt  when the answer arrived: the age of {@code nextCursor}
 * @param skipped     items the API sent outside the requested interval (not landed)
 */
public record Page(int number, List<Item> items, String nextCursor, Instant receivedAt, int skipped) {
    public Page {
        items = List.copyOf(items);
    }

    public boolean last() {
        return nextCursor == null;
    }
}
