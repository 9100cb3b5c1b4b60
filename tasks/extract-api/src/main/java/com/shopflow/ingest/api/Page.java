package com.shopflow.ingest.api;

import java.time.Instant;
import java.util.List;

/**
 * One page of a pagination.
 *
 * @param number      1-based page number within the pagination
 * @param cursor      the cursor this page was asked with (null for the first)
 * @param items       items in the interval, as received (duplicates included)
 * @param bad         items the warehouse could not store as received: quarantined, not landed
 * @param nextCursor  null on the last page
 * @param receivedAt  when the answer arrived: the age of {@code nextCursor}
 * @param skipped     items the API sent outside the requested interval (not landed)
 * @param maxKey      the greatest (updated_at, id) of the page's readable items, or null: the pagination's progress
 */
public record Page(int number, String cursor, List<Item> items, List<BadItem> bad, String nextCursor, Instant receivedAt, int skipped,
                   Item.Key maxKey) {
    public Page {
        items = List.copyOf(items);
        bad = List.copyOf(bad);
    }

    public boolean last() {
        return nextCursor == null;
    }
}
