package com.shopflow.ingest.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a page answer with Jackson's streaming parser and tree model (no data binding, so nothing needs
 * reflection in a native image). Each item's text is cut out of the body as received, so the payload lands
 * exactly as the API sent it, new fields included. A malformed answer fails the run as a DATA error naming
 * the page: a retry would read the same answer.
 */
final class PageParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PageParser() {
    }

    static Page parse(String body, int number, Interval interval, Instant receivedAt) {
        List<Item> items = new ArrayList<>();
        String next = null;
        boolean sawData = false;
        int skipped = 0;
        try (JsonParser p = JSON.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed(number, "the answer is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("data")) {
                    if (t != JsonToken.START_ARRAY) {
                        throw malformed(number, "\"data\" is not an array");
                    }
                    sawData = true;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (p.currentToken() != JsonToken.START_OBJECT) {
                            throw malformed(number, "item " + (items.size() + skipped + 1) + " is not a JSON object");
                        }
                        int start = (int) p.currentTokenLocation().getCharOffset();
                        JsonNode node = JSON.readTree(p);
                        int end = (int) p.currentLocation().getCharOffset();
                        Item item = item(node, body.substring(start, end), number, items.size() + skipped + 1);
                        if (interval.contains(item.updatedAt())) {
                            items.add(item);
                        } else {
                            skipped++;
                        }
                    }
                } else if (field.equals("next_cursor")) {
                    if (t == JsonToken.VALUE_STRING) {
                        next = p.getText();
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw malformed(number, "\"next_cursor\" is neither a string nor null");
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw malformed(number, "the JSON object does not end where the answer does");
            }
        } catch (JsonProcessingException e) {
            throw malformed(number, "invalid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw malformed(number, "unreadable answer (" + e.getMessage() + ")");
        }
        if (!sawData) {
            throw malformed(number, "no \"data\" array");
        }
        if (next != null && next.isEmpty()) {
            next = null;
        }
        return new Page(number, items, next, receivedAt, skipped);
    }

    private static Item item(JsonNode node, String text, int page, int index) {
        JsonNode id = node.get("id");
        if (id == null || !id.isIntegralNumber() || !id.canConvertToLong()) {
            throw malformed(page, "item " + index + " has no integer \"id\"");
        }
        JsonNode updated = node.get("updated_at");
        if (updated == null || !updated.isTextual()) {
            throw malformed(page, "item " + index + " (id " + id.asLong() + ") has no \"updated_at\"");
        }
        try {
            Instant at = OffsetDateTime.parse(updated.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            return new Item(id.asLong(), at, text);
        } catch (DateTimeParseException e) {
            throw malformed(page, "item " + index + " (id " + id.asLong() + ") has an \"updated_at\" that is not ISO-8601 with offset");
        }
    }

    private static IngestException malformed(int page, String why) {
        return new IngestException(ErrorCode.DATA, "the products API answered page " + page + " with a malformed body: " + why
                + ". Nothing was published; the staged pages stay for a retry once the API is fixed.");
    }
}
