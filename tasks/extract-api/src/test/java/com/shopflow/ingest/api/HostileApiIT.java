package com.shopflow.ingest.api;

import static com.shopflow.ingest.api.ApiHarness.ARGS;
import static com.shopflow.ingest.api.ApiHarness.TOKEN;
import static com.shopflow.ingest.api.ApiHarness.connect;
import static com.shopflow.ingest.api.ApiHarness.database;
import static com.shopflow.ingest.api.HostileApi.item;
import static com.shopflow.ingest.api.HostileApi.page;
import static com.shopflow.ingest.api.HostileApi.respond;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import com.shopflow.ingest.testkit.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged extract-api against an API that misbehaves at the byte level (issue 15): pagination loops, endless
 * 429s, absurd Retry-After values, bodies that stall or trickle or never end, items jsonb cannot store, timestamps
 * finer than PostgreSQL's microseconds, and a PRODUCTS_API_URL that does not parse.
 */
class HostileApiIT {
    private static final Duration RUN = Duration.ofSeconds(90);

    private static AppProcess app(String db, HostileApi api) {
        AppProcess a = AppProcess.fromSystemProperty()
                .env("PRODUCTS_API_URL", api.url())
                .env("PRODUCTS_API_TOKEN", TOKEN)
                .env("INGEST_RETRY_BASE_MILLIS", "20")
                .env("INGEST_RETRY_CAP_MILLIS", "100")
                .jvmOption("-XX:TieredStopAtLevel=1")
                .jvmOption("-XX:+UseSerialGC");
        return db == null ? a : a.env(PostgresServer.shared().env("WAREHOUSE_DB", db));
    }

    private static void assertClean(AppProcess.Result r) {
        String all = r.stdout() + r.stderr();
        assertFalse(all.contains(TOKEN), "the token leaked");
        assertFalse(all.contains("\tat ") || all.contains("io.vertx"), "a stack trace without --debug:\n" + r);
    }

    // Finding 3: loops and stalls of the pagination.

    @Test
    void shouldFailAsDataErrorWhenTheApiSendsACursorAgain() throws Exception {
        try (HostileApi api = new HostileApi((r, out) -> respond(out, page(List.of(item(r.number(), "2026-11-21T0" + Math.min(r.number(), 9)
                + ":00:00Z", null)), "same-cursor")))) {
            AppProcess.Result r = app(database("hostile_loop"), api).run(RUN, ARGS);
            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.firstStderrLine().contains("page 2") && r.firstStderrLine().contains("already sent on page 1"), r.firstStderrLine());
            assertEquals(2, api.requests());
            assertClean(r);
        }
    }

    @Test
    void shouldFailAsDataErrorWhenPagesMakeNoProgress() throws Exception {
        // Empty pages with ever new cursors, and the same items again under ever new cursors.
        for (boolean empty : new boolean[] {true, false}) {
            try (HostileApi api = new HostileApi((r, out) -> respond(out, page(r.number() == 1 || !empty
                    ? List.of(item(1, "2026-11-21T01:00:00Z", null), item(2, "2026-11-21T02:00:00Z", null)) : List.of(), "c" + r.number())))) {
                AppProcess.Result r = app(database("hostile_stall_" + empty), api).env("INGEST_API_MAX_PAGES_WITHOUT_PROGRESS", "4")
                        .run(RUN, ARGS);
                assertEquals(3, r.exitCode(), r.toString());
                assertTrue(r.firstStderrLine().contains("pages 2-5") && r.firstStderrLine().contains("no progress"), r.firstStderrLine());
                assertEquals(5, api.requests());
                assertClean(r);
            }
        }
    }

    @Test
    void shouldStopEndless429sAtTheRunWaitBudget() throws Exception {
        try (HostileApi api = new HostileApi((r, out) -> respond(out, 429, "Retry-After: 0\r\n", "{}".getBytes()))) {
            AppProcess.Result r = app(database("hostile_429"), api).env("INGEST_API_MAX_WAIT_SECONDS", "3").run(RUN, ARGS);
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.firstStderrLine().contains("wait budget of 3 s"), r.firstStderrLine());
            assertEquals("true", Json.field(r.lastStdoutLine(), "retryable"));
            assertTrue(api.requests() > 1, "it did wait out some 429s");
            assertClean(r);
        }
    }

    // Finding 5: Retry-After values.

    @Test
    void shouldFailRetryableWithoutRetryingWhenRetryAfterPassesTheBudget() throws Exception {
        String db = database("hostile_retry_after");
        for (String value : new String[] {"9223372036854775807", "86400", "99999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"}) {
            try (HostileApi api = new HostileApi((r, out) -> respond(out, 429, "Retry-After: " + value + "\r\n", "{}".getBytes()))) {
                AppProcess.Result r = app(db, api).run(RUN, ARGS);
                assertEquals(1, r.exitCode(), value + ": " + r);
                assertTrue(r.firstStderrLine().contains("Retry-After") && r.firstStderrLine().contains("wait budget"), r.firstStderrLine());
                assertFalse(r.stderr().contains("negative"), r.stderr());
                assertEquals(1, api.requests(), "no silent retry after Retry-After " + value);
                assertClean(r);
            }
        }
    }

    @Test
    void shouldCapALongRetryAfterAndSaySo() throws Exception {
        try (HostileApi api = new HostileApi((r, out) -> {
            if (r.number() == 1) {
                respond(out, 429, "Retry-After: 120\r\n", "{}".getBytes());
            } else {
                respond(out, page(List.of(item(1, "2026-11-21T01:00:00Z", null)), null));
            }
        })) {
            AppProcess.Result r = app(database("hostile_cap"), api).env("INGEST_API_RETRY_AFTER_CAP_SECONDS", "1").run(RUN, ARGS);
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue((r.stdout() + r.stderr()).contains("Retry-After 120 s capped at 1 s"), r.toString());
            assertEquals(1, Json.longField(r.lastStdoutLine(), "rows"));
            assertEquals(2, api.requests());
        }
    }

    // Finding 4: every wait on an answer is bounded, without a stack trace.

    @Test
    void shouldBoundBodiesAndHeadersThatStallOrTrickle() throws Exception {
        String db = database("hostile_stall");
        Map<String, HostileApi.Behaviour> cases = new HashMap<>();
        cases.put("sent no byte for 1 s", (r, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"data\":[".getBytes());
            out.flush();
            Thread.sleep(60_000);
        });
        cases.put("no byte for 1 s ", (r, out) -> Thread.sleep(60_000)); // no status line at all
        cases.put("no byte for 1 s  ", (r, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Le".getBytes());
            out.flush();
            Thread.sleep(60_000);
        });
        cases.put("within 3 s", (r, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n".getBytes());
            for (int i = 0; i < 5000; i++) {
                out.write(' ');
                out.flush();
                Thread.sleep(400);
            }
        });
        for (var c : cases.entrySet()) {
            try (HostileApi api = new HostileApi(c.getValue())) {
                AppProcess.Result r = app(db, api).env("INGEST_API_READ_TIMEOUT_SECONDS", "1").env("INGEST_API_CONNECT_TIMEOUT_SECONDS", "1")
                        .env("INGEST_API_REQUEST_TIMEOUT_SECONDS", "3").env("INGEST_API_MAX_ATTEMPTS", "2").run(RUN, ARGS);
                assertEquals(1, r.exitCode(), r.toString());
                assertTrue(r.firstStderrLine().contains(c.getKey().strip()), c.getKey() + ": " + r.firstStderrLine());
                assertEquals(2, api.requests(), "one retry, as INGEST_API_MAX_ATTEMPTS says");
                assertClean(r);
            }
        }
    }

    @Test
    void shouldRefuseAnAnswerLargerThanTheCap() throws Exception {
        try (HostileApi api = new HostileApi((r, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2000000000\r\n\r\n{\"data\":[".getBytes());
            byte[] spaces = " ".repeat(64 * 1024).getBytes();
            for (int i = 0; i < 30_000; i++) {
                out.write(spaces);
            }
        })) {
            AppProcess.Result r = app(database("hostile_huge"), api).env("INGEST_API_MAX_PAGE_BYTES", "1000000").run(RUN, ARGS);
            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.firstStderrLine().contains("page 1 with more than 1000000 bytes"), r.firstStderrLine());
            assertClean(r);
        }
    }

    // Findings 6 and 8: items jsonb cannot store are quarantined with their bytes; the rest land.

    @Test
    void shouldQuarantineItemsTheWarehouseCannotStoreAndLandTheRest() throws Exception {
        List<String> good = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            good.add(item(i, String.format("2026-11-21T%02d:00:00Z", i), "\"s\":\"ok \\ud83d\\ude00 \\ufffd \u00e9\""));
        }
        String nul = item(101, "2026-11-21T10:30:00Z", "\"s\":\"a\\u0000b\"");
        String surrogate = item(102, "2026-11-21T10:31:00Z", "\"s\":\"\\ud800\"");
        String deep = item(103, "2026-11-21T10:32:00Z", "\"d\":" + "[".repeat(1500) + "]".repeat(1500));
        String latin1 = item(104, "2026-11-21T10:33:00Z", "\"s\":\"caf\u00e9\"");
        String numeric = item(105, "2026-11-21T10:34:00Z", "\"n\":1e200000");
        String control = item(106, "2026-11-21T10:35:00Z", "\"s\":\"tab\u0001\"");
        byte[][] pages = {
            bytes(page(List.of(good.get(0), nul, good.get(1), surrogate, String.join(",", good.subList(2, 10)), deep), "p2")),
            bytes(page(List.of(String.join(",", good.subList(10, 20)), "LATIN1", numeric, control), null)),
        };
        pages[1] = replace(pages[1], bytes("LATIN1"), latin1.getBytes(StandardCharsets.ISO_8859_1)); // é as the single byte 0xE9
        try (HostileApi api = new HostileApi((r, out) -> respond(out, 200, "", pages[r.cursor() == null ? 0 : 1]))) {
            String db = database("hostile_quarantine");
            AppProcess.Result r = app(db, api).env("INGEST_API_MAX_BAD_SHARE", "0.3").env("INGEST_API_PAGES_PER_CHUNK", "1").run(RUN, ARGS);
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(20, Json.longField(r.lastStdoutLine(), "rows"));
            assertEquals(6, Json.longField(r.lastStdoutLine(), "items_quarantined"));
            try (Connection c = connect(db)) {
                for (int i = 1; i <= 20; i++) {
                    assertEquals(1, count(c, "SELECT count(*) FROM raw.products WHERE id = " + i + " AND payload = ?::jsonb", good.get(i - 1)),
                            "item " + i + " landed as received");
                }
                Map<String, String> q = new HashMap<>();
                try (ResultSet rs = c.createStatement().executeQuery("SELECT source, line, reason, raw FROM _ingest.quarantine "
                        + "WHERE target = 'raw.products' ORDER BY reason")) {
                    while (rs.next()) {
                        String reason = rs.getString(3);
                        q.put(reason.substring(0, reason.indexOf(':')), rs.getString(1) + " | " + rs.getLong(2) + " | " + reason + " | " + rs.getString(4));
                    }
                }
                assertEquals(6, q.size(), q.toString());
                assertTrue(q.get("id 101").contains("page 1") && q.get("id 101").contains("\\u0000"), q.get("id 101"));
                assertTrue(q.get("id 102").contains("surrogate"), q.get("id 102"));
                assertTrue(q.get("id 103").contains("deeper"), q.get("id 103"));
                assertTrue(q.get("id 104").contains("page 2") && q.get("id 104").contains("UTF-8") && q.get("id 104").contains("caf\\xe9"),
                        q.get("id 104"));
                assertTrue(q.get("id 105").contains("numeric"), q.get("id 105"));
                assertTrue(q.get("id 106").contains("invalid JSON") && q.get("id 106").contains("tab\\x01"), q.get("id 106"));
            }
            // Past the share allowed (default 5%) the run fails and the published partition stays as it was.
            AppProcess.Result strict = app(db, api).run(RUN, ARGS);
            assertEquals(3, strict.exitCode(), strict.toString());
            assertTrue(strict.firstStderrLine().contains("6 of 26 items") && strict.firstStderrLine().contains("INGEST_API_MAX_BAD_SHARE"),
                    strict.firstStderrLine());
            try (Connection c = connect(db)) {
                assertEquals(20, count(c, "SELECT count(*) FROM raw.products WHERE ? <> ''", "x"));
                assertEquals(6, count(c, "SELECT count(*) FROM _ingest.quarantine WHERE ? <> ''", "x"));
            }
            assertClean(strict);
        }
    }

    // Finding 7: timestamps finer than microseconds, at both ends of the interval and with offsets.

    @Test
    void shouldPlaceEveryItemByTheUpdatedAtThatLands() throws Exception {
        String body = page(List.of(
                item(1, "2026-11-21T23:59:59.9999996Z", null),
                item(2, "2026-11-22T01:59:59.9999999+02:00", null),
                item(3, "2026-11-21T00:00:00.0000004Z", null),
                item(4, "2026-11-20T23:59:59.9999996Z", null),
                item(5, "2026-11-20T18:59:59.99999999999-05:00", null),
                item(6, "2026-11-21T19:00:00.000000001-05:00", null),
                item(7, "2026-11-21T12:00:00.5+05:30", null)), null);
        try (HostileApi api = new HostileApi((r, out) -> respond(out, body))) {
            String db = database("hostile_time");
            AppProcess.Result r = app(db, api).run(RUN, ARGS);
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(4, Json.longField(r.lastStdoutLine(), "rows"));
            assertEquals(3, Json.longField(r.lastStdoutLine(), "items_outside_interval"));
            Map<Long, Instant> landed = new HashMap<>();
            try (Connection c = connect(db); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT id, updated_at, updated_at >= _interval_start AND updated_at < _interval_end FROM raw.products")) {
                while (rs.next()) {
                    assertTrue(rs.getBoolean(3), "row " + rs.getLong(1) + " lies in its own partition");
                    landed.put(rs.getLong(1), rs.getTimestamp(2).toInstant());
                }
            }
            assertEquals(Map.of(1L, Instant.parse("2026-11-21T23:59:59.999999Z"), 2L, Instant.parse("2026-11-21T23:59:59.999999Z"),
                    3L, Instant.parse("2026-11-21T00:00:00Z"), 7L, Instant.parse("2026-11-21T06:30:00.5Z")), landed);
        }
    }

    // Finding 11: a PRODUCTS_API_URL that does not parse is a configuration error at once.

    @Test
    void shouldRejectAnUnparsableUrlAsConfigurationError() throws Exception {
        try (HostileApi api = new HostileApi((r, out) -> respond(out, page(List.of(), null)))) {
            for (String url : new String[] {api.url() + "/x%zz", api.url() + "/%", api.url() + "/a%2", "http://exa mple.com", "http://[::1",
                api.url() + "/v?x=1", "ftp://127.0.0.1/"}) {
                AppProcess.Result r = app(null, api).env("PRODUCTS_API_URL", url).run(RUN, ARGS);
                assertEquals(2, r.exitCode(), url + ": " + r);
                assertTrue(r.firstStderrLine().contains("PRODUCTS_API_URL"), r.firstStderrLine());
                assertEquals("CONFIG", Json.field(r.lastStdoutLine(), "code"));
                assertClean(r);
            }
            assertEquals(0, api.requests());
        }
    }

    private static long count(Connection c, String sql, String arg) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] replace(byte[] in, byte[] what, byte[] with) {
        String probe = new String(in, StandardCharsets.ISO_8859_1);
        int at = probe.indexOf(new String(what, StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(in, 0, at);
        out.writeBytes(with);
        out.write(in, at + what.length, in.length - at - what.length);
        return out.toByteArray();
    }
}
