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

    @Test
    void shouldKeepEachItemExactlyAsReceived() {
        String a = "{\"id\": 7, \"name\": \"Caf\\u00e9 \\\"Pro\\\"\", \"updated_at\": \"2026-11-21T10:00:00.123456+01:00\", \"x\": 1.50}";
        String b = "{\"id\":8,\"updated_at\":\"2026-11-21T23:59:59.999999Z\",\"nested\":{\"a\":[1,{\"b\":null}]}}";
        Page p = PageParser.parse("{\"data\": [" + a + " ,\n" + b + "], \"extra\": {\"k\": [1]}, \"next_cursor\": \"abc\"}", 4, DAY, NOW);
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
        Page p = PageParser.parse("{\"next_cursor\":null,\"data\":[{\"id\":1,\"updated_at\":\"2026-11-22T00:00:00Z\"}]}", 1, DAY, NOW);
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
            "{\"data\":[],\"next_cursor\":null} trailing"}) {
            IngestException e = assertThrows(IngestException.class, () -> PageParser.parse(body, 3, DAY, NOW), body);
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
    void shouldReadRetryAfterInSecondsOrAsADate() {
        long ms = ProductsSource.retryAfter("3").toMillis();
        assertTrue(ms >= 3000 && ms < 3300, "ms " + ms);
        long dflt = ProductsSource.retryAfter(null).toMillis();
        assertTrue(dflt >= 1000 && dflt < 1300);
        long date = ProductsSource.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT").toMillis();
        assertTrue(date < 300, "a date in the past means now");
    }

    @Test
    void shouldNameTheBudgetWithoutTheToken() {
        String n = RequestBudget.name("http://api", "super-secret-token");
        assertTrue(!n.contains("super-secret-token") && n.startsWith("products:"));
        assertEquals(n, RequestBudget.name("http://api", "super-secret-token"));
        assertTrue(!n.equals(RequestBudget.name("http://api", "other-token")));
    }
}
