package com.shopflow.ingest.core.current;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.RetryPolicy;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.landing.Column;
import com.shopflow.ingest.core.landing.Dedup;
import com.shopflow.ingest.core.landing.CsvChunks;
import com.shopflow.ingest.core.landing.Landing;
import com.shopflow.ingest.core.landing.StagingLoop;
import com.shopflow.ingest.core.landing.SchemaPolicy;
import com.shopflow.ingest.core.landing.Shape;
import com.shopflow.ingest.testkit.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * raw_current maintained in each publish, on a real PostgreSQL, against a source whose rows are updated day after
 * day: it must equal the table rebuilt from all partitions after a backfill with updates, late commits, a re-delivered
 * interval and a killed run; never go backwards; and stay identical when an interval is run again.
 */
class CurrentTableTest {
    static final Instant DAY0 = Instant.parse("2026-11-20T00:00:00Z");
    static final Shape SHAPE = new Shape(List.of(new Column("id", "bigint"), new Column("v", "integer"),
            new Column("updated_at", "timestamp with time zone")));
    static final CurrentTable CURRENT = new CurrentTable("t", "id", "updated_at");

    final PostgresServer pg = PostgresServer.shared();

    /** The source: id to (v, updated_at); an update moves a row to the interval of its new updated_at. */
    final Map<Long, Object[]> source = new TreeMap<>();

    DbSettings wh(String db) {
        return new DbSettings("warehouse", "WAREHOUSE_DB", pg.jdbcUrl(db), PostgresServer.USER, PostgresServer.PASSWORD, null, null, 10);
    }

    static Interval day(int d) {
        return Interval.parse(DAY0.plus(Duration.ofDays(d)).toString(), DAY0.plus(Duration.ofDays(d + 1)).toString());
    }

    void update(long id, int v, Instant at) {
        source.put(id, new Object[] {v, at});
    }

    /** The source's rows of the interval now, as CSV. */
    List<String> rowsOf(Interval iv) {
        List<String> out = new ArrayList<>();
        source.forEach((id, r) -> {
            Instant at = (Instant) r[1];
            if (!at.isBefore(iv.start()) && at.isBefore(iv.end())) {
                out.add(id + "," + r[0] + "," + at);
            }
        });
        return out;
    }

    Landing.Request request(Interval iv) {
        return new Landing.Request("test", "t", SHAPE, List.of(), iv, SchemaPolicy.NULL_FILL, null, Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    /** The rows as two CSV chunks (first half, second half), so that a run killed after the first resumes at the second. */
    static List<String> halves(Interval iv, List<String> rows) {
        List<String> chunks = new ArrayList<>();
        for (List<String> half : List.of(rows.subList(0, rows.size() / 2), rows.subList(rows.size() / 2, rows.size()))) {
            StringBuilder b = new StringBuilder();
            for (String r : half) {
                b.append(r).append(',').append(iv.start()).append(',').append(iv.end()).append('\n');
            }
            chunks.add(b.toString());
        }
        return chunks;
    }

    static void stage(Landing l, List<String> chunks) throws Exception {
        StagingLoop.run(l, new CsvChunks(chunks, List.of("id", "v", "updated_at", "_interval_start", "_interval_end"), -1), 1,
                RetryPolicy.of(1, 1, 1));
    }

    /** Lands {@code rows} as the partition of {@code iv}, maintaining the current table in the publish. */
    void land(String db, Interval iv, List<String> rows) throws Exception {
        land(db, iv, rows, CurrentTable.around(true, CURRENT, iv, null));
    }

    void land(String db, Interval iv, List<String> rows, Landing.PublishHook hook) throws Exception {
        try (Landing l = Landing.open(wh(db), request(iv))) {
            stage(l, halves(iv, rows));
            l.publish(new Dedup(List.of("id"), List.of("updated_at")), null, hook);
        }
    }

    /**
     * Lands one CSV chunk of {@code columns} (the interval's two last) as table {@code table}'s partition of day 0, one
     * row per {@code key}, latest by {@code orderBy}, maintaining {@code current} in the publish.
     */
    void landDay0(String db, String table, Shape shape, List<String> columns, String csv, CurrentTable current, List<String> orderBy)
            throws Exception {
        Landing.Request r = new Landing.Request("test", table, shape, List.of(), day(0), SchemaPolicy.FAIL, null, Duration.ofSeconds(30),
                Duration.ofSeconds(30));
        try (Landing l = Landing.open(wh(db), r)) {
            StagingLoop.run(l, new CsvChunks(List.of(csv), columns, -1), 1, RetryPolicy.of(1, 1, 1));
            l.publish(new Dedup(List.of(current.key()), orderBy), null, CurrentTable.around(true, current, day(0), null));
        }
    }

    String text(String db, String sql) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    String current(String db) throws Exception {
        return text(db, "SELECT count(*) || ':' || md5(string_agg(t::text, E'\\n' ORDER BY id)) FROM raw_current.t t");
    }

    /** What the rebuild gives, computed without touching the maintained table: the latest version per key. */
    String rebuilt(String db) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            CURRENT.rebuild(c);
        }
        return current(db);
    }

    @Test
    void theMaintainedTableEqualsTheRebuiltOneAfterABackfillWithUpdatesLateCommitsARedeliveryAndAKilledRun() throws Exception {
        String db = "current_backfill";
        pg.createDatabase(db);
        for (long id = 1; id <= 400; id++) {
            update(id, (int) id, DAY0.plusSeconds(id * 60));
        }
        for (int d = 0; d < 7; d++) {
            Interval iv = day(d);
            if (d > 0) {
                // Updates of the day: a seventh of the rows move from an earlier interval into this one.
                for (long id = d; id <= 400; id += 7) {
                    update(id, d * 1000 + (int) id, iv.start().plusSeconds(id * 60));
                }
            }
            if (d == 4) {
                // A run killed after its first chunk: staged, never published; the retry resumes after it.
                List<String> rows = rowsOf(iv);
                Landing killed = Landing.open(wh(db), request(iv));
                stage(killed, halves(iv, rows).subList(0, 1));
                killed.close();
                assertEquals("0", text(db, "SELECT count(*) FROM _ingest.partition WHERE interval_start = '" + iv.start() + "'"));
            }
            land(db, iv, rowsOf(iv));
            if (d > 0) {
                // A late commit: a row whose updated_at lies in yesterday commits after yesterday was landed; the DAG re-lands it.
                Interval yesterday = day(d - 1);
                update(1000 + d, 77, yesterday.start().plusSeconds(3600));
                update(d + 7, 88, yesterday.start().plusSeconds(7200)); // an update back-dated into yesterday
                land(db, yesterday, rowsOf(yesterday));
            }
        }
        // A re-delivered interval: day 2 comes again with rows removed and values changed (a partner's corrected file).
        List<String> redelivered = new ArrayList<>();
        for (String r : rowsOf(day(2))) {
            String[] f = r.split(",");
            long id = Long.parseLong(f[0]);
            if (id % 5 != 0) {
                redelivered.add(id + "," + (id % 3 == 0 ? "-" + f[1] : f[1]) + "," + f[2]);
            }
        }
        land(db, day(2), redelivered);
        String maintained = current(db);
        assertTrue(maintained.startsWith("40"), maintained); // 400 keys and the late ones
        assertEquals(maintained, rebuilt(db), "the maintained current table equals the one rebuilt from all partitions");
        assertEquals(0, Long.parseLong(text(db, "SELECT count(*) FROM (SELECT id FROM raw_current.t GROUP BY id HAVING count(*) > 1) x")));
        // Each key holds its latest landed version: the greatest updated_at among the partitions.
        assertEquals("0", text(db, "SELECT count(*) FROM raw_current.t c WHERE c.updated_at < (SELECT max(updated_at) FROM raw.t r WHERE r.id = c.id)"));
    }

    @Test
    void reLandingNeverGoesBackwardsKeepsNewerVersionsAndIsIdenticalWhenRunAgain() throws Exception {
        String db = "current_relanding";
        pg.createDatabase(db);
        for (long id = 1; id <= 50; id++) {
            update(id, 1, day(0).start().plusSeconds(id));
        }
        land(db, day(0), rowsOf(day(0)));
        List<String> dayZeroAsLanded = rowsOf(day(0));
        for (long id = 1; id <= 10; id++) {
            update(id, 2, day(1).start().plusSeconds(id));
        }
        land(db, day(1), rowsOf(day(1)));
        String after = current(db);
        assertEquals("2", text(db, "SELECT v FROM raw_current.t WHERE id = 3"));
        assertEquals(day(1).start().toString(), text(db, "SELECT to_char(_interval_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM raw_current.t WHERE id = 3"));

        // Day 0 re-landed as the source has it now (ids 1-10 moved out): the newer day-1 versions stay.
        land(db, day(0), rowsOf(day(0)));
        assertEquals(after, current(db), "re-landing an interval whose rows moved out loses nothing");
        // Day 0 re-landed with its old content (an old file again): older versions never win.
        land(db, day(0), dayZeroAsLanded);
        assertEquals(after, current(db), "re-landing an old interval never makes the current table go backwards");
        // The same interval again: identical.
        land(db, day(1), rowsOf(day(1)));
        assertEquals(after, current(db));

        // Day 1 re-landed without id 3 (deleted from that interval): its current row falls back to the version still landed (day 0).
        source.remove(3L);
        land(db, day(1), rowsOf(day(1)));
        assertEquals("1", text(db, "SELECT v FROM raw_current.t WHERE id = 3"));
        assertNotEquals(after, current(db));
        assertEquals(current(db), rebuilt(db));
    }

    @Test
    void aFirstPublishTakesItsOnlyPartitionAsItIsAndStillKeepsTheLatestVersionWhenAKeyRepeatsInIt() throws Exception {
        String db = "current_first";
        pg.createDatabase(db);
        Interval iv = day(0);
        List<String> rows = List.of("1,1," + iv.start().plusSeconds(3), "2,1," + iv.start().plusSeconds(2), "1,2," + iv.start().plusSeconds(1));
        try (Landing l = Landing.open(wh(db), request(iv))) {
            stage(l, halves(iv, rows));
            l.publish(null, null, CurrentTable.around(true, CURRENT, iv, null)); // no dedup: id 1 twice in the partition
        }
        assertEquals("2:1", text(db, "SELECT count(*) || ':' || (SELECT v FROM raw_current.t WHERE id = 1) FROM raw_current.t"));
        assertEquals(current(db), rebuilt(db));

        String other = "current_first_unique";
        pg.createDatabase(other);
        land(other, iv, rows.subList(0, 2));
        assertEquals("2", text(other, "SELECT count(*) FROM raw_current.t"));
        assertEquals(current(other), rebuilt(other));
    }

    @Test
    void anIdenticalReRunWritesNoRowAndANewIntervalIsTakenWhole() throws Exception {
        String db = "current_unchanged";
        pg.createDatabase(db);
        for (long id = 1; id <= 30; id++) {
            update(id, 1, day(0).start().plusSeconds(id));
        }
        land(db, day(0), rowsOf(day(0)));
        for (long id = 20; id <= 40; id++) {
            update(id, 2, day(1).start().plusSeconds(id));
        }
        land(db, day(1), rowsOf(day(1)));
        String versions = "SELECT string_agg(id || '@' || xmin::text, ',' ORDER BY id) FROM raw_current.t";
        String before = text(db, versions);
        land(db, day(1), rowsOf(day(1)));
        land(db, day(0), rowsOf(day(0)));
        assertEquals(before, text(db, versions), "re-landing unchanged intervals writes no row of the current table");
        assertEquals("40", text(db, "SELECT count(*) FROM raw_current.t"));
        assertEquals(current(db), rebuilt(db));
    }

    @Test
    void aColumnAddedToTheRawTableIsAddedToTheCurrentTable() throws Exception {
        String db = "current_drift";
        pg.createDatabase(db);
        update(1, 1, day(0).start());
        land(db, day(0), rowsOf(day(0)));
        pg.execute(db, "ALTER TABLE raw.t ADD COLUMN note text");
        land(db, day(0), rowsOf(day(0)));
        assertEquals("1", text(db, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'raw_current' AND column_name = 'note'"));
        assertEquals(current(db), rebuilt(db));
    }

    @Test
    void aValueThatIsEqualButWrittenOtherwiseStillReplacesItsOwnIntervalsRow() throws Exception {
        String db = "current_numeric";
        pg.createDatabase(db);
        Shape shape = new Shape(List.of(new Column("id", "bigint"), new Column("amount", "numeric"), new Column("updated_at", "timestamp with time zone")));
        for (String amount : List.of("1.0", "1.00")) {
            String row = "1," + amount + "," + day(0).start() + "," + day(0).start() + "," + day(0).end() + "\n";
            landDay0(db, "t", shape, List.of("id", "amount", "updated_at", "_interval_start", "_interval_end"), row, CURRENT, List.of("updated_at"));
        }
        // numeric 1.0 = 1.00, but the partition now says 1.00: so must the current table, as its rebuild would.
        assertEquals("1.00", text(db, "SELECT amount::text FROM raw_current.t"));
        String maintained = current(db);
        assertEquals(maintained, rebuilt(db));
    }

    @Test
    void aChangedValueOfAScaledNumericOrAFixedCharacterColumnReplacesItsOwnIntervalsRow() throws Exception {
        String db = "current_typed";
        pg.createDatabase(db);
        Shape shape = new Shape(List.of(new Column("id", "bigint"), new Column("amount", "numeric(12,2)"), new Column("code", "character(3)"),
                new Column("updated_at", "timestamp with time zone")));
        // Compared as they are, not as text: each of these re-lands must still be seen as a change.
        Map<String, String> landedAndExpected = new LinkedHashMap<>();
        landedAndExpected.put("1.5,EU", "1.50,EU");
        landedAndExpected.put("1.51,EU", "1.51,EU");
        landedAndExpected.put("1.51,EUR", "1.51,EUR");
        for (var e : landedAndExpected.entrySet()) {
            String row = "1," + e.getKey() + "," + day(0).start() + "," + day(0).start() + "," + day(0).end() + "\n";
            landDay0(db, "t", shape, List.of("id", "amount", "code", "updated_at", "_interval_start", "_interval_end"), row, CURRENT,
                    List.of("updated_at"));
            assertEquals(e.getValue(), text(db, "SELECT amount::text || ',' || code::text FROM raw_current.t"));
        }
        assertEquals(current(db), rebuilt(db));
    }

    /** Rows of raw_current.t that the publish transaction so far has read (by scans and through indexes). */
    static long currentRowsRead(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_stat_get_xact_tuples_returned('raw_current.t'::regclass)"
                + " + pg_stat_get_xact_tuples_fetched('raw_current.t'::regclass)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Lands {@code rows} into {@code iv} and returns how many current rows its upkeep read. */
    long landCounting(String db, Interval iv, List<String> rows) throws Exception {
        long[] read = new long[1];
        land(db, iv, rows, (c, runId) -> {
            long before = currentRowsRead(c);
            CURRENT.maintain(c, iv);
            read[0] = currentRowsRead(c) - before;
        });
        return read[0];
    }

    @Test
    void theUpkeepOfAPartitionReadsCurrentRowsInProportionToThePartitionNotToTheTable() throws Exception {
        String db = "current_proportional";
        pg.createDatabase(db);
        // The table is built from a small first day and then grows by publishes alone, so its statistics are those of the
        // small table: the planner's view of it in a multi-year load.
        long id = 1;
        int days = 12;
        int perDay = 2_000;
        for (int d = 0; d < days; d++) {
            for (int i = 0; i < (d == 0 ? 20 : perDay); i++) {
                update(id++, 1, day(d).start().plusSeconds(i));
            }
            land(db, day(d), rowsOf(day(d)));
        }
        for (int i = 0; i < perDay; i++) {
            update(id++, 1, day(days).start().plusSeconds(i));
        }
        update(1, 2, day(days).start().plusSeconds(perDay));
        long firstLanding = landCounting(db, day(days), rowsOf(day(days)));
        update(2, 3, day(days).start().plusSeconds(perDay + 1));
        long reLanding = landCounting(db, day(days), rowsOf(day(days)));
        long table = Long.parseLong(text(db, "SELECT count(*) FROM raw_current.t"));
        assertTrue(table > 20_000, "the table holds " + table + " rows");
        // Each of the partition's rows is read a bounded number of times (probes, the diff, the recheck); no walk over the
        // table, which is ten times larger.
        int partition = perDay + 2;
        assertTrue(firstLanding <= 2L * partition, "a first landing of " + partition + " rows read " + firstLanding + " current rows of " + table);
        assertTrue(reLanding <= 3L * partition, "a re-landing of " + partition + " rows read " + reLanding + " current rows of " + table);
        assertEquals(current(db), rebuilt(db));
    }

    @Test
    void aReLandOfTextKeysWrittenOutOfKeyOrderFindsEveryChange() throws Exception {
        // Keys unrelated to the order the rows are written in: the diff reads both sides in heap order and sorts them by
        // the keys' bytes. Mixed case and non-ASCII keys sort differently by bytes and by a collation; equality is the same.
        String db = "current_text_keys";
        pg.createDatabase(db);
        CurrentTable current = new CurrentTable("s", "ref", null);
        Shape shape = new Shape(List.of(new Column("ref", "text"), new Column("v", "integer")));
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            refs.add((i % 3 == 0 ? "Ref-" : i % 3 == 1 ? "ref-" : "réf-") + i);
        }
        Collections.shuffle(refs, new Random(7));
        Map<String, Integer> values = new TreeMap<>();
        refs.forEach(r -> values.put(r, 1));
        for (int run = 0; run < 2; run++) {
            if (run == 1) {
                values.put(refs.get(10), 2);
                values.remove(refs.get(20));
                values.put("new-ref", 1);
            }
            StringBuilder rows = new StringBuilder();
            List<String> order = new ArrayList<>(refs);
            order.add("new-ref");
            for (String r : order) {
                if (values.containsKey(r)) {
                    rows.append(r).append(',').append(values.get(r)).append(',').append(day(0).start()).append(',').append(day(0).end()).append('\n');
                }
            }
            landDay0(db, "s", shape, List.of("ref", "v", "_interval_start", "_interval_end"), rows.toString(), current, List.of());
        }
        assertEquals("2", text(db, "SELECT v FROM raw_current.s WHERE ref = '" + refs.get(10) + "'"));
        assertEquals("0", text(db, "SELECT count(*) FROM raw_current.s WHERE ref = '" + refs.get(20) + "'"));
        assertEquals("1", text(db, "SELECT v FROM raw_current.s WHERE ref = 'new-ref'"));
        assertEquals(Integer.toString(values.size()), text(db, "SELECT count(*) FROM raw_current.s"));
        String maintained = text(db, "SELECT md5(string_agg(s::text, E'\\n' ORDER BY ref COLLATE \"C\")) FROM raw_current.s s");
        try (Connection c = pg.connect(db)) {
            current.rebuild(c);
        }
        assertEquals(maintained, text(db, "SELECT md5(string_agg(s::text, E'\\n' ORDER BY ref COLLATE \"C\")) FROM raw_current.s s"));
    }

    @Test
    void typesAreComparedAsTheyAreOnlyWhereEqualityIsEqualityOfTheText() {
        assertTrue(CurrentTable.exact("bigint"));
        assertTrue(CurrentTable.exact("character varying(40)"));
        assertTrue(CurrentTable.exact("numeric(12,2)"));
        assertTrue(CurrentTable.exact("character(3)"));
        assertTrue(CurrentTable.exact("timestamp(3) with time zone"));
        assertFalse(CurrentTable.exact("numeric"));
        assertFalse(CurrentTable.exact("jsonb"));
        assertFalse(CurrentTable.exact("double precision"));
    }

    @Test
    void enabledByDefaultForTheShopFlowTablesAndSwitchedPerTable() {
        List<String> defaults = CurrentTable.DEFAULT_TABLES;
        assertTrue(CurrentTable.enabled("orders", defaults, Map.of()));
        assertTrue(CurrentTable.enabled("marketplace_orders", defaults, Map.of()));
        assertFalse(CurrentTable.enabled("other", defaults, Map.of()));
        assertFalse(CurrentTable.enabled("orders", defaults, Map.of("INGEST_CURRENT_ORDERS", "off")));
        assertTrue(CurrentTable.enabled("other", defaults, Map.of("INGEST_CURRENT_OTHER", "on")));
        assertFalse(CurrentTable.enabled("orders", List.of("none"), Map.of()));
        assertThrows(IngestException.class, () -> CurrentTable.enabled("orders", defaults, Map.of("INGEST_CURRENT_ORDERS", "maybe")));
    }
}
