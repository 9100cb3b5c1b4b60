package com.shopflow.ingest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.pg.CopyText;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PageParserTest {
    private static final Interval DAY = Interval.parse("2026-11-21T00:00:00Z", "2026-11-22T00:00:00+00:00");
    private static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");

    private static Page parse(String body, int number) {
        return new PageParser(1000).parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), number, null, DAY, NOW);
    }

    @Test
    void shouldKeepEachItemExactlyAsReceived() {
        String a = "{\"id\": 7, \"name\": \"Caf\\u00e9 \\\"Pro\\\"\", \"updated_at\": \"2026-11-21T10:00:00.123456+01:00\", \"x\": 1.50}";
        String b = "{\"id\":8,\"updated_at\":\"2026-11-21T23:59:59.999999Z\",\"nested\":{\"a\":[1,{\"b\":null}]}}";
        Page p = parse("{\"data\": [" + a + " ,\n" + b + "], \"extra\": {\"k\": [1]}, \"next_cursor\": \"abc\"}", 4);
        assertEquals(2, p.items().size());
        assertEquals(a, p.items().get(0).json());
        assertEquals(b, p.items().get(1).json());
        assertEquals(Instant.parse("2026-11-21T09:00:00.123456Z"), p.items().get(0).updatedAt());
        assertEquals(7, p.items().get(0).id());
        assertEquals("abc", p.nextCursor());
        assertEquals(4, p.number());
    }

    @Test
    void shouldReadTheLastPageAndSkipItemsOutsideTheInterval() {
        Page p = parse("{\"next_cursor\":null,\"data\":[{\"id\":1,\"updated_at\":\"2026-11-22T00:00:00Z\"}]}", 1);
        assertNull(p.nextCursor());
        assertTrue(p.last());
        assertEquals(0, p.items().size());
        assertEquals(1, p.skipped());
    }

    @Test
    void shouldFailAsDataErrorNamingThePage() {
        for (String body : new String[] {"{\"data\":[{\"id\":1,", "<html>", "{\"data\":{}}", "{\"next_cursor\":null}",
            "{\"data\":[{\"updated_at\":\"2026-11-21T00:00:00Z\"}],\"next_cursor\":null}",
            "{\"data\":[{\"id\":\"1\",\"updated_at\":\"2026-11-21T00:00:00Z\"}],\"next_cursor\":null}",
            "{\"data\":[{\"id\":1}],\"next_cursor\":null}",
            "{\"data\":[{\"id\":1,\"updated_at\":\"yesterday\"}],\"next_cursor\":null}",
            "{\"data\":[],\"next_cursor\":null} trailing", "{\"data\":[],\"next_cursor\":\"a\\u0000\"}",
            "{\"data\":[],\"next_cursor\":\"\\udc00\"}", "{\"data\":[5],\"next_cursor\":null}"}) {
            IngestException e = assertThrows(IngestException.class, () -> parse(body, 3), body);
            assertEquals(ErrorCode.DATA, e.code());
            assertTrue(e.getMessage().contains("page 3"), e.getMessage());
        }
    }

    @Test
    void shouldEscapeCopyTextSpecials() {
        StringBuilder b = new StringBuilder();
        CopyText.escape(b, "{\"a\":\"x\\\\y\"}\t\n");
        assertEquals("{\"a\":\"x\\\\\\\\y\"}\\t\\n", b.toString());
    }

    @Test
    void shouldTrustACursorOnlyWhileItIsYoung() {
        Position p = Position.parse(new Position("c1", NOW, 5, false).json());
        assertEquals("c1", p.cursor());
        assertEquals(5, p.pages());
        assertTrue(!p.expired(NOW.plusSeconds(100), java.time.Duration.ofSeconds(840)));
        assertTrue(p.expired(NOW.plusSeconds(840), java.time.Duration.ofSeconds(840)));
        assertTrue(!new Position(null, NOW, 9, true).expired(NOW.plusSeconds(99999), java.time.Duration.ofSeconds(1)));
        assertNull(Position.parse("not json"));
    }

    @Test
    void shouldReadRetryAfterInSecondsOrAsADateAndNeverOverflow() {
        assertEquals(java.time.Duration.ofSeconds(3), RetryAfter.parse("3").delay());
        assertEquals(RetryAfter.DEFAULT, RetryAfter.parse(null).delay());
        assertTrue(!RetryAfter.parse("soon").readable());
        assertEquals(RetryAfter.DEFAULT, RetryAfter.parse("-5").delay());
        assertEquals(java.time.Duration.ZERO, RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT").delay(), "a date in the past means now");
        for (String huge : new String[] {"9223372036854775807", "99999999999999999999999", "86400000000"}) {
            java.time.Duration d = RetryAfter.parse(huge).delay();
            assertTrue(!d.isNegative() && d.toDays() > 365, huge + " -> " + d);
        }
    }

    @Test
    void shouldQuarantineWhatJsonbCannotStoreAndKeepTheRestExact() {
        String ok = "{\"id\":1,\"updated_at\":\"2026-11-21T01:00:00Z\",\"s\":\"\\ud83d\\ude00 \\n ok \ufffd\"}";
        String[] bad = {
            "{\"id\":2,\"updated_at\":\"2026-11-21T02:00:00Z\",\"s\":\"a\\u0000b\"}",
            "{\"id\":3,\"updated_at\":\"2026-11-21T03:00:00Z\",\"s\":\"\\ud800\"}",
            "{\"id\":4,\"updated_at\":\"2026-11-21T04:00:00Z\",\"s\":\"\\udc00x\"}",
            "{\"id\":5,\"updated_at\":\"2026-11-21T05:00:00Z\",\"n\":1e131072}",
            "{\"id\":6,\"updated_at\":\"2026-11-21T06:00:00Z\",\"n\":1e-16384}",
            "{\"id\":7,\"updated_at\":\"2026-11-21T07:00:00Z\",\"d\":" + "[".repeat(1200) + "]".repeat(1200) + "}",
            "{\"id\":8,\"updated_at\":\"2026-11-21T08:00:00Z\",\"s\":\"raw\u0001ctl\"}",
            "{\"id\":9,\"updated_at\":\"2026-11-21T09:00:00Z\",\"s\":tru}",
        };
        String body = "{\"data\":[" + ok + "," + String.join(",", bad) + "],\"next_cursor\":\"n\"}";
        Page p = parse(body, 2);
        assertEquals(1, p.items().size());
        assertEquals(ok, p.items().get(0).json());
        assertEquals(bad.length, p.bad().size(), p.bad().toString());
        for (int i = 0; i < bad.length; i++) {
            assertEquals(i + 2, p.bad().get(i).id(), p.bad().get(i).reason());
            assertEquals(bad[i], new String(p.bad().get(i).raw(), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertTrue(p.bad().get(0).reason().contains("\\u0000"), p.bad().get(0).reason());
        assertTrue(p.bad().get(5).reason().contains("deeper"), p.bad().get(5).reason());
        assertEquals(null, PageParser.numberProblem("1e131071"));
        assertEquals(null, PageParser.numberProblem("-0.000e-16380"));
    }

    @Test
    void shouldQuarantineInvalidUtf8WithItsBytesUnchanged() {
        byte[] a = "{\"id\":1,\"updated_at\":\"2026-11-21T01:00:00Z\",\"s\":\"caf\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] b = "{\"id\":2,\"updated_at\":\"2026-11-21T02:00:00Z\",\"s\":\"x?y\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        b[b.length - 4] = (byte) 0xE9; // Latin-1 e-acute: not UTF-8
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes("{\"data\":[".getBytes());
        out.writeBytes(b);
        out.writeBytes(",".getBytes());
        out.writeBytes(a);
        out.writeBytes("],\"next_cursor\":null}".getBytes());
        Page p = new PageParser(1000).parse(out.toByteArray(), 1, null, DAY, NOW);
        assertEquals(1, p.items().size());
        assertEquals(new String(a, java.nio.charset.StandardCharsets.UTF_8), p.items().get(0).json());
        assertEquals(1, p.bad().size());
        assertEquals(2L, p.bad().get(0).id());
        assertTrue(java.util.Arrays.equals(b, p.bad().get(0).raw()));
        assertTrue(p.bad().get(0).reason().contains("UTF-8"), p.bad().get(0).reason());
    }

    @Test
    void shouldTruncateTimestampsToMicroseconds() {
        assertEquals(Instant.parse("2026-11-21T23:59:59.999999Z"), PageParser.timestamp("2026-11-21T23:59:59.9999996Z"));
        assertEquals(Instant.parse("2026-11-21T23:59:59.999999Z"), PageParser.timestamp("2026-11-22T01:59:59.99999999999+02:00"));
        assertEquals(Instant.parse("2026-11-21T00:00:00Z"), PageParser.timestamp("2026-11-20T19:00:00.0000004-05:00"));
        assertNull(PageParser.timestamp("2026-11-21 10:00"));
    }

    @Test
    void shouldNameTheBudgetWithoutTheToken() {
        String n = RequestBudget.name("http://api", "super-secret-token");
        assertTrue(!n.contains("super-secret-token") && n.startsWith("products:"));
        assertEquals(n, RequestBudget.name("http://api", "super-secret-token"));
        assertTrue(!n.equals(RequestBudget.name("http://api", "other-token")));
    }
}
