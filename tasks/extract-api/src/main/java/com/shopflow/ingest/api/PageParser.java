package com.shopflow.ingest.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a page answer from its bytes. The envelope ({@code {"data": [...], "next_cursor": ...}}) is walked by a small
 * structural scanner, so each item's text is cut out as received and checked on its own: an item PostgreSQL's jsonb
 * cannot store as received (invalid UTF-8, {@code \u0000}, an unpaired surrogate escape, a number beyond numeric's
 * range, nesting deeper than {@code maxDepth}, invalid JSON) is quarantined and never reaches COPY, so it cannot
 * cost its neighbours. A broken envelope, an item that is not an object, or one without {@code id} or
 * {@code updated_at} fails the run as a DATA error naming the page: a retry would read the same answer.
 * Timestamps are truncated to microseconds, PostgreSQL's precision, before they decide the partition.
 */
final class PageParser {
    /** PostgreSQL's numeric: at most 131072 digits before the decimal point and 16383 after. */
    private static final int NUMERIC_MAX_WEIGHT = 131072;
    private static final int NUMERIC_MAX_SCALE = 16383;
    private static final Pattern FRACTION = Pattern.compile("(:\\d{2})\\.(\\d{10,})");

    private final JsonFactory json;
    private final int maxDepth;

    PageParser(int maxDepth) {
        this.maxDepth = maxDepth;
        // The answer's size is capped by the HTTP client; these limits must not reject what PostgreSQL would store.
        this.json = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth).maxStringLength(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE)
                .maxNameLength(Integer.MAX_VALUE).build()).build();
    }

    Page parse(byte[] body, int number, String cursor, Interval interval, Instant receivedAt) {
        Utf8Text t = Utf8Text.decode(body);
        Scanner s = new Scanner(t.text, number);
        List<Item> items = new ArrayList<>();
        List<BadItem> bad = new ArrayList<>();
        Item.Key max = null;
        String next = null;
        boolean sawData = false;
        int skipped = 0;
        int index = 0;
        s.expect('{', "the answer is not a JSON object");
        if (!s.peekIs('}')) {
            do {
                String field = s.name();
                s.expect(':', "a field name is not followed by ':'");
                if (field.equals("data")) {
                    s.expect('[', "\"data\" is not an array");
                    sawData = true;
                    if (!s.peekIs(']')) {
                        do {
                            index++;
                            int start = s.skipWs();
                            int depth = s.skipValue();
                            Checked c = check(t, start, s.pos, depth, number, index);
                            if (c.key != null) {
                                max = max == null || c.key.compareTo(max) > 0 ? c.key : max;
                            }
                            if (c.reason != null) {
                                bad.add(new BadItem(index, c.key == null ? c.id : Long.valueOf(c.key.id()), c.reason, t.bytes(start, s.pos)));
                            } else if (interval.contains(c.key.updatedAt())) {
                                items.add(new Item(c.key.id(), c.key.updatedAt(), t.text.substring(start, s.pos)));
                            } else {
                                skipped++;
                            }
                        } while (s.comma(']', "the items of \"data\" are not separated by ','"));
                    } else {
                        s.pos++;
                    }
                } else if (field.equals("next_cursor")) {
                    int start = s.skipWs();
                    s.skipValue();
                    int err = t.firstError(start, s.pos);
                    if (err >= 0) {
                        throw malformed(number, "\"next_cursor\" is not valid UTF-8");
                    }
                    next = cursor(t.text.substring(start, s.pos), number);
                } else {
                    s.skipWs();
                    s.skipValue();
                }
            } while (s.comma('}', "the fields of the answer are not separated by ','"));
        } else {
            s.pos++;
        }
        if (s.skipWs() != t.text.length()) {
            throw malformed(number, "the JSON object does not end where the answer does");
        }
        if (!sawData) {
            throw malformed(number, "no \"data\" array");
        }
        if (next != null && next.isEmpty()) {
            next = null;
        }
        return new Page(number, cursor, items, bad, next, receivedAt, skipped, max);
    }

    private String cursor(String text, int number) {
        try (JsonParser p = json.createParser(text)) {
            JsonToken tok = p.nextToken();
            if (tok == JsonToken.VALUE_NULL) {
                return null;
            }
            if (tok != JsonToken.VALUE_STRING) {
                throw malformed(number, "\"next_cursor\" is neither a string nor null");
            }
            String c = p.getText();
            String problem = stringProblem(c);
            if (problem != null) {
                // The cursor is saved in the checkpoint's jsonb: it could not be resumed from.
                throw malformed(number, "\"next_cursor\" holds " + problem.substring(0, problem.indexOf(" in a string")));
            }
            return c;
        } catch (IOException e) {
            throw malformed(number, "\"next_cursor\" is not valid JSON");
        }
    }

    /** What one item is: its key when readable, and the reason it cannot land (null when it can). */
    private record Checked(Item.Key key, Long id, String reason) {
    }

    private Checked check(Utf8Text t, int start, int end, int depth, int number, int index) {
        if (t.text.charAt(start) != '{') {
            throw malformed(number, "item " + index + " is not a JSON object");
        }
        Long id = null;
        String updated = null;
        // Jackson stops at the same depth: the id and updated_at before that point are still read.
        String reason = depth <= maxDepth ? null : "nested deeper than " + maxDepth + " levels (INGEST_API_MAX_ITEM_DEPTH;"
                + " PostgreSQL's jsonb parser is limited by its stack)";
        String text = t.text.substring(start, end);
        try (JsonParser p = json.createParser(text)) {
            int level = 0;
            String field = null;
            for (JsonToken tok = p.nextToken(); tok != null; tok = p.nextToken()) {
                switch (tok) {
                    case START_OBJECT, START_ARRAY -> level++;
                    case END_OBJECT, END_ARRAY -> level--;
                    case FIELD_NAME -> {
                        field = level == 1 ? p.currentName() : null;
                        reason = reason != null ? reason : stringProblem(p.getText());
                    }
                    case VALUE_STRING -> {
                        reason = reason != null ? reason : stringProblem(p.getText());
                        if ("updated_at".equals(field) && level == 1) {
                            updated = p.getText();
                        }
                    }
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        String n = p.getText();
                        reason = reason != null ? reason : numberProblem(n);
                        if ("id".equals(field) && level == 1 && tok == JsonToken.VALUE_NUMBER_INT && n.length() <= 20) {
                            id = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? null : p.getLongValue();
                        } else if ("id".equals(field) && level == 1) {
                            id = null;
                        }
                    }
                    default -> {
                        if ("id".equals(field) && level == 1) {
                            id = null;
                        }
                    }
                }
                if (level == 1 && tok != JsonToken.FIELD_NAME && tok != JsonToken.START_OBJECT) {
                    field = null;
                }
                if (level == 0 && p.nextToken() != null) {
                    reason = reason != null ? reason : "invalid JSON (text after the item)";
                    break;
                }
            }
        } catch (JsonProcessingException e) {
            reason = reason != null ? reason : "invalid JSON (" + oneLine(e.getOriginalMessage()) + ")";
        } catch (IOException e) {
            reason = reason != null ? reason : "unreadable item (" + oneLine(e.getMessage()) + ")";
        }
        int utf8 = t.firstError(start, end);
        if (utf8 >= 0) {
            reason = "invalid UTF-8 at byte " + utf8 + " of the item (jsonb holds only valid UTF-8; the bytes are kept here unchanged)";
        }
        Item.Key key = null;
        if (id != null && updated != null) {
            Instant at = timestamp(updated);
            if (at == null) {
                if (reason == null) {
                    throw malformed(number, "item " + index + " (id " + id + ") has an \"updated_at\" that is not ISO-8601 with offset");
                }
            } else {
                key = new Item.Key(at, id);
            }
        }
        if (reason == null && id == null) {
            throw malformed(number, "item " + index + " has no integer \"id\"");
        }
        if (reason == null && updated == null) {
            throw malformed(number, "item " + index + " (id " + id + ") has no \"updated_at\"");
        }
        return new Checked(key, id, reason);
    }

    /** ISO-8601 with offset, any number of fraction digits, truncated to microseconds (PostgreSQL keeps no more). */
    static Instant timestamp(String s) {
        Matcher m = FRACTION.matcher(s);
        String v = m.find() ? s.substring(0, m.start(2)) + m.group(2).substring(0, 9) + s.substring(m.end(2)) : s;
        try {
            return OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** What jsonb refuses in a string: U+0000 and surrogates that do not pair. */
    private static String stringProblem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "\\u0000 in a string (jsonb cannot store it)";
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("an unpaired surrogate \\u%04X in a string (not Unicode text; jsonb refuses it)", (int) c);
            }
        }
        return null;
    }

    /** A JSON number beyond PostgreSQL's numeric (which jsonb uses for every number). */
    static String numberProblem(String n) {
        int i = n.startsWith("-") ? 1 : 0;
        int dot = n.indexOf('.');
        int e = Math.max(n.indexOf('e'), n.indexOf('E'));
        int mantEnd = e < 0 ? n.length() : e;
        String intPart = n.substring(i, dot < 0 ? mantEnd : dot);
        String frac = dot < 0 ? "" : n.substring(dot + 1, mantEnd);
        long exp = 0;
        if (e >= 0) {
            String x = n.substring(e + 1);
            boolean neg = x.startsWith("-");
            x = x.replaceFirst("^[+-]", "").replaceFirst("^0+(?=.)", "");
            exp = x.length() > 12 ? 1_000_000_000_000L : Long.parseLong(x);
            exp = neg ? -exp : exp;
        }
        long scale = Math.max(0, frac.length() - exp);
        String digits = intPart + frac;
        int lead = 0;
        while (lead < digits.length() && digits.charAt(lead) == '0') {
            lead++;
        }
        long weight = lead == digits.length() ? 0 : intPart.length() - lead + exp;
        if (weight > NUMERIC_MAX_WEIGHT || scale > NUMERIC_MAX_SCALE) {
            return "the number " + (n.length() > 40 ? n.substring(0, 40) + "..." : n) + " is beyond PostgreSQL's numeric range";
        }
        return null;
    }

    private static String oneLine(String m) {
        if (m == null) {
            return "no detail";
        }
        String one = m.replaceAll("\\s+", " ").strip();
        return one.length() > 160 ? one.substring(0, 160) + "..." : one;
    }

    static IngestException malformed(int page, String why) {
        return new IngestException(ErrorCode.DATA, "the products API answered page " + page + " with a malformed body: " + why
                + ". Nothing was published; the staged pages stay for a retry once the API is fixed.");
    }

    /** The envelope's structure: positions, strings skipped with their escapes, brackets counted for depth. */
    private final class Scanner {
        private final String s;
        private final int page;
        int pos;

        Scanner(String s, int page) {
            this.s = s;
            this.page = page;
        }

        int skipWs() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    break;
                }
                pos++;
            }
            return pos;
        }

        boolean peekIs(char c) {
            return skipWs() < s.length() && s.charAt(pos) == c;
        }

        void expect(char c, String why) {
            if (!peekIs(c)) {
                throw malformed(page, pos >= s.length() ? "the answer ends early" : why);
            }
            pos++;
        }

        /** After a value: true on ',', false on {@code close}, else malformed. */
        boolean comma(char close, String why) {
            if (peekIs(',')) {
                pos++;
                return true;
            }
            expect(close, why);
            return false;
        }

        String name() {
            int start = skipWs();
            if (pos >= s.length() || s.charAt(pos) != '"') {
                throw malformed(page, pos >= s.length() ? "the answer ends early" : "a field name is not a string");
            }
            skipString();
            try (JsonParser p = json.createParser(s.substring(start, pos))) {
                p.nextToken();
                return p.getText();
            } catch (IOException e) {
                throw malformed(page, "invalid JSON in a field name");
            }
        }

        private void skipString() {
            pos++;
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '\\') {
                    pos++;
                } else if (c == '"') {
                    return;
                }
            }
            throw malformed(page, "the answer ends inside a string");
        }

        /** Skips one value from {@link #pos}; returns its nesting depth (0 for a scalar). */
        int skipValue() {
            if (pos >= s.length()) {
                throw malformed(page, "the answer ends early");
            }
            char c = s.charAt(pos);
            if (c == '"') {
                skipString();
                return 0;
            }
            if (c != '{' && c != '[') {
                int start = pos;
                while (pos < s.length() && ",]} \t\r\n".indexOf(s.charAt(pos)) < 0) {
                    pos++;
                }
                if (pos == start) {
                    throw malformed(page, "a value is missing");
                }
                return 0;
            }
            int depth = 0;
            int max = 0;
            while (pos < s.length()) {
                c = s.charAt(pos);
                if (c == '"') {
                    skipString();
                    continue;
                }
                pos++;
                if (c == '{' || c == '[') {
                    max = Math.max(max, ++depth);
                } else if ((c == '}' || c == ']') && --depth == 0) {
                    return max;
                }
            }
            throw malformed(page, "the answer ends inside " + (s.charAt(0) == '{' ? "an item" : "a value"));
        }
    }
}
