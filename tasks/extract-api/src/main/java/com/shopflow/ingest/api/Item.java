package com.shopflow.ingest.api;

import java.time.Instant;

/** One product item of a page: its key, its version and its JSON text exactly as the API sent it. */
public record Item(long id, Instant updatedAt, String json) {
}
