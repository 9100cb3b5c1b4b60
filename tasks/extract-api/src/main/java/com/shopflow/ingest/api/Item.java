package com.shopflow.ingest.api;

import java.time.Instant;

/**
 * One product item of a page: its key, its version (truncated to PostgreSQL's microseconds, the value that lands and
 * decides the partition) and its JSON text exactly as the API sent it.
 */
public record Item(long id, Instant updatedAt, String json) {
    /** The API's sort order, (updated_at, id). */
    public record Key(Instant updatedAt, long id) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = updatedAt.compareTo(o.updatedAt);
            return c != 0 ? c : Long.compare(id, o.id);
        }

        @Override
        public String toString() {
            return "(" + updatedAt + ", " + id + ")";
        }
    }
}
