package com.shopflow.ingest.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopflow.ingest.core.Json;
import com.shopflow.ingest.core.pg.Identifiers;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Where a chunked read of the source left off: the last (cursor, key) landed. The next chunk starts strictly
 * after it, so chunks never overlap and a resumed run continues exactly where the checkpoint says.
 *
 * @param cursorMicros the cursor value as PostgreSQL's binary form: microseconds since 2000-01-01 (UTC for
 *                     timestamptz, wall time for timestamp without time zone)
 * @param key          the key's text form
 * @param numericKey   true when the key is an integer type (written unquoted)
 */
public record KeysetPosition(long cursorMicros, String key, boolean numericKey) {
    private static final Instant PG_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    public Instant cursorInstant() {
        return PG_EPOCH.plus(cursorMicros, ChronoUnit.MICROS);
    }

    /** The cursor as an SQL literal of the cursor column's type. */
    public String cursorLiteral(boolean withTimeZone) {
        String iso = cursorInstant().toString();
        return withTimeZone ? Identifiers.literal(iso) + "::timestamptz"
                : Identifiers.literal(iso.substring(0, iso.length() - 1).replace('T', ' ')) + "::timestamp";
    }

    public String keyLiteral() {
        return numericKey ? Long.toString(Long.parseLong(key)) : Identifiers.literal(key);
    }

    public String toJson() {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("cursor", cursorInstant().toString());
        n.put("cursor_micros", cursorMicros);
        n.put("key", key);
        n.put("numeric_key", numericKey);
        return n.toString();
    }

    public static KeysetPosition fromJson(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(json);
            return new KeysetPosition(n.get("cursor_micros").asLong(), n.get("key").asText(), n.get("numeric_key").asBoolean());
        } catch (Exception e) {
            throw new IllegalStateException("unreadable checkpoint position: " + json, e);
        }
    }
}
