package com.shopflow.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopflow.ingest.core.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * Where a pagination stands, as saved in the landing's checkpoint with the pages staged before it:
 * {@code {"cursor": ..., "obtained_at": ..., "pages": n, "done": bool}}. The cursor's age decides whether a
 * resumed run may use it.
 */
record Position(String cursor, Instant obtainedAt, int pages, boolean done) {

    static Position parse(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(json);
            JsonNode c = n.get("cursor");
            JsonNode at = n.get("obtained_at");
            return new Position(c == null || c.isNull() ? null : c.asText(), at == null || at.isNull() ? null : Instant.parse(at.asText()),
                    n.path("pages").asInt(), n.path("done").asBoolean());
        } catch (IOException | RuntimeException e) {
            return null; // An unreadable position is as good as none: start the interval over.
        }
    }

    String json() {
        ObjectNode n = Json.mapper().createObjectNode();
        if (cursor == null) {
            n.putNull("cursor");
        } else {
            n.put("cursor", cursor);
        }
        n.put("obtained_at", obtainedAt == null ? null : obtainedAt.toString());
        n.put("pages", pages);
        n.put("done", done);
        return n.toString();
    }

    /** True when the saved cursor is too old to trust (the API keeps cursors for a limited time). */
    boolean expired(Instant now, Duration maxAge) {
        return !done && (obtainedAt == null || Duration.between(obtainedAt, now).compareTo(maxAge) >= 0);
    }
}
