package com.shopflow.ingest.api;

/**
 * An item that cannot land as received (PostgreSQL's jsonb would refuse or change it): quarantined with its place,
 * its id when readable, the reason, and its bytes exactly as received.
 *
 * @param index 1-based position in its page
 * @param id    the item's id, or null when it could not be read
 */
public record BadItem(int index, Long id, String reason, byte[] raw) {
}
