package com.shopflow.ingest.core.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.RetryPolicy;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.testkit.PostgresServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The landing spine on a real PostgreSQL: atomic replace as a concurrent reader sees it, dedup, other partitions untouched. */
class LandingTest {
    static final Interval DAY = Interval.parse("2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z");
    static final Interval NEXT = Interval.parse("2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z");
    static final Shape SHAPE = new Shape(List.of(new Column("id", "bigint"), new Column("v", "integer"),
            new Column("updated_at", "timestamp with time zone")));

    final PostgresServer pg = PostgresServer.shared();
    final String db = "landing_core";
    final DbSettings wh = new DbSettings("warehouse", "WAREHOUSE_DB", pg.jdbcUrl(db), PostgresServer.USER, PostgresServer.PASSWORD,
            null, null, 10);

    Landing.Published land(Interval interval, int rows, int value, int duplicatesOfFirst) throws Exception {
        Landing.Request r = new Landing.Request("test", "t", SHAPE, List.of(), interval, SchemaPolicy.FAIL, null, Duration.ofSeconds(30),
                Duration.ofSeconds(30));
        try (Landing l = Landing.open(wh, r)) {
            StringBuilder b = new StringBuilder();
            for (int i = 1; i <= rows; i++) {
                b.append(i).append(',').append(value).append(',').append(interval.start()).append(',')
                        .append(interval.start()).append(',').append(interval.end()).append('\n');
            }
            for (int i = 0; i < duplicatesOfFirst; i++) {
                b.append(1).append(',').append(value + 100 + i).append(',').append(interval.start().plusSeconds(i + 1)).append(',')
                        .append(interval.start()).append(',').append(interval.end()).append('\n');
            }
            StagingLoop.run(l, new CsvChunks(List.of(b.toString()), List.of("id", "v", "updated_at", "_interval_start", "_interval_end"), -1),
                    1, RetryPolicy.of(1, 1, 1));
            return l.publish(new Dedup(List.of("id"), List.of("updated_at")), null, null);
        }
    }

    @Test
    void aConcurrentReaderSeesTheOldPartitionOrTheNewNeverAMixOrAGap() throws Exception {
        pg.createDatabase(db);
        land(DAY, 1000, 1, 0);
        land(NEXT, 10, 9, 0);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
                while (!stop.get()) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*), min(v), max(v) FROM raw.t WHERE _interval_start = '" + DAY.start() + "'")) {
                        rs.next();
                        seen.add(rs.getLong(1) + ":" + rs.getInt(2) + ":" + rs.getInt(3));
                    }
                }
            } catch (Exception e) {
                seen.add("error " + e.getMessage());
            }
        });
        reader.start();
        for (int i = 0; i < 6; i++) {
            land(DAY, i % 2 == 0 ? 2000 : 1000, i % 2 == 0 ? 2 : 1, 0);
        }
        stop.set(true);
        reader.join();
        assertTrue(Set.of("1000:1:1", "2000:2:2").containsAll(seen), "reader saw " + seen);
        try (Connection c = pg.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM raw.t WHERE _interval_start = '" + NEXT.start() + "' AND v = 9")) {
            rs.next();
            assertEquals(10, rs.getLong(1), "the other partition is untouched");
        }
    }

    @Test
    void keepsOneRowPerKeyTheLatestCursorWins() throws Exception {
        pg.createDatabase(db);
        Landing.Published p = land(DAY, 50, 1, 3);
        assertEquals(50, p.rows());
        assertEquals(3, p.duplicatesRemoved());
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM raw.t WHERE id = 1")) {
            rs.next();
            assertEquals(103, rs.getInt(1), "the copy with the latest updated_at (start + 3 s) wins");
        }
    }

    @Test
    void lanesCommitChunksInOrderSoTheCheckpointIsAlwaysAPrefix() throws Exception {
        pg.createDatabase(db);
        Landing.Request r = new Landing.Request("test", "t", SHAPE, List.of(), DAY, SchemaPolicy.FAIL, null, Duration.ofSeconds(30),
                Duration.ofSeconds(30));
        int chunks = 12;
        long[] prefix = new long[chunks + 1]; // rows staged after chunk k
        Set<String> inconsistent = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        try (Landing l = Landing.open(wh, r)) {
            Thread watcher = new Thread(() -> {
                try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
                    while (!stop.get()) {
                        try (ResultSet rs = s.executeQuery("SELECT chunks, rows_staged FROM _ingest.checkpoint")) {
                            while (rs.next()) {
                                int k = rs.getInt(1);
                                if (k > chunks || rs.getLong(2) != prefix[k]) {
                                    inconsistent.add(k + " chunks with " + rs.getLong(2) + " rows");
                                }
                            }
                        }
                    }
                } catch (Exception e) {
                    inconsistent.add("error " + e.getMessage());
                }
            });
            int id = 0;
            for (int k = 1; k <= chunks; k++) {
                prefix[k] = prefix[k - 1] + (k % 3 == 1 ? 40_000 : 10); // the first lane's chunks are slow
            }
            watcher.start();
            try (StagingLanes lanes = l.lanes(3)) {
                for (int k = 1; k <= chunks; k++) {
                    StagingLanes.Chunk out = lanes.begin("FORMAT csv", List.of("id", "v", "updated_at"));
                    assertEquals(k, out.number());
                    StringBuilder b = new StringBuilder();
                    for (long i = prefix[k - 1]; i < prefix[k]; i++) {
                        b.append(++id).append(",1,").append(DAY.start()).append('\n');
                    }
                    b.append(k == 5 ? "7,2," + DAY.start().plusSeconds(1) + "\n" : ""); // one duplicate key
                    out.write(b.toString().getBytes(StandardCharsets.UTF_8));
                    if (k == 5) {
                        for (int j = k; j <= chunks; j++) {
                            prefix[j]++;
                        }
                    }
                    lanes.end(out, new StagingLoop.Written("{\"chunk\": " + k + "}", prefix[k] - prefix[k - 1], false));
                }
                Checkpoint done = lanes.drain();
                assertEquals(chunks, done.chunks());
                assertEquals(prefix[chunks], done.rows());
            }
            stop.set(true);
            watcher.join();
            Landing.Published p = l.publish(new Dedup(List.of("id"), List.of("updated_at"), Set.of("7")), null, null);
            assertEquals(1, p.duplicatesRemoved());
            assertEquals(prefix[chunks] - 1, p.rows());
        }
        assertTrue(inconsistent.isEmpty(), "the checkpoint was seen out of step with the staged chunks: " + inconsistent);
        try (Connection c = pg.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE _interval_start = '" + DAY.start() + "' AND _interval_end = '"
                     + DAY.end() + "'), max(v) FILTER (WHERE id = 7) FROM raw.t")) {
            rs.next();
            assertEquals(prefix[chunks] - 1, rs.getLong(1));
            assertEquals(rs.getLong(1), rs.getLong(2), "rows left the interval out of the stream: the staging table's defaults filled it");
            assertEquals(2, rs.getInt(3), "the later copy of id 7 won");
        }
    }

    @Test
    void theLoopRecoversAFailedChunkFromTheCheckpointOnTwoLanes() throws Exception {
        pg.createDatabase(db);
        Landing.Request r = new Landing.Request("test", "t", SHAPE, List.of(), DAY, SchemaPolicy.FAIL, null, Duration.ofSeconds(30),
                Duration.ofSeconds(30));
        List<String> chunks = new java.util.ArrayList<>();
        int id = 0;
        for (int k = 0; k < 9; k++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 500; i++) {
                b.append(++id).append(",1,").append(DAY.start()).append('\n');
            }
            chunks.add(b.toString());
        }
        CsvChunks source = new CsvChunks(chunks, List.of("id", "v", "updated_at"), 5);
        try (Landing l = Landing.open(wh, r)) {
            Checkpoint done = StagingLoop.run(l, source, 2, RetryPolicy.of(3, 1, 1));
            assertEquals(9, done.chunks());
            assertEquals(4500, done.rows());
            assertEquals(2, source.resumes, "resumed once at the start, once after the failed chunk");
            Landing.Published p = l.publish(null, null, null);
            assertEquals(4500, p.rows());
        }
        try (Connection c = pg.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id) FROM raw.t")) {
            rs.next();
            assertEquals(4500, rs.getLong(1), "no row of the failed chunk twice, none missing");
            assertEquals(4500, rs.getLong(2));
        }
    }

    @Test
    void aFailureTheTableDoesNotRetryEndsTheLoopClassifiedBySide() throws Exception {
        pg.createDatabase(db);
        Landing.Request r = new Landing.Request("test", "t", SHAPE, List.of(), DAY, SchemaPolicy.FAIL, null, Duration.ofSeconds(30),
                Duration.ofSeconds(30));
        CsvChunks bad = new CsvChunks(List.of("1,1," + DAY.start() + "\n", "2,not-a-number," + DAY.start() + "\n"), List.of("id", "v", "updated_at"), -1);
        try (Landing l = Landing.open(wh, r)) {
            com.shopflow.ingest.core.IngestException e = org.junit.jupiter.api.Assertions.assertThrows(
                    com.shopflow.ingest.core.IngestException.class, () -> StagingLoop.run(l, bad, 2, RetryPolicy.of(3, 1, 1)));
            assertEquals(com.shopflow.ingest.core.ErrorCode.DATA, e.code(), e.getMessage());
            assertTrue(e.getMessage().startsWith("warehouse"), "the lane's failure is the warehouse's: " + e.getMessage());
            assertEquals(1, bad.resumes, "a data error is not retried");
            assertEquals(l.checkpoint().chunks(), l.checkpoint().rows(), "what committed is a prefix: the good chunk or nothing");
        }
    }

    @Test
    void aColumnAnotherRunAddsWhileStagingIsAddedToThePartitionAtPublishInOneTransaction() throws Exception {
        pg.createDatabase(db);
        land(NEXT, 5, 1, 0);
        Landing.Request r = new Landing.Request("test", "t", SHAPE, List.of(), DAY, SchemaPolicy.FAIL, null, Duration.ofSeconds(30),
                Duration.ofSeconds(30));
        try (Landing l = Landing.open(wh, r)) {
            StagingLoop.run(l, new CsvChunks(List.of("1,7," + DAY.start() + "\n2,7," + DAY.start() + "\n"), List.of("id", "v", "updated_at"), -1),
                    1, RetryPolicy.of(1, 1, 1));
            try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE raw.t ADD COLUMN note text");
            }
            assertEquals(2, l.publish(null, null, null).rows());
        }
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*), count(note), min(v) FROM raw.t WHERE _interval_start = '" + DAY.start() + "'")) {
                rs.next();
                assertEquals(2, rs.getLong(1));
                assertEquals(0, rs.getLong(2), "the added column is NULL in the rows staged before it existed");
                assertEquals(7, rs.getInt(3));
            }
            try (ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM _ingest.checkpoint), (SELECT count(*) FROM _ingest.partition),"
                    + " (SELECT count(*) FROM _ingest.load_run WHERE status = 'succeeded'), (SELECT count(*) FROM _ingest.load_run)")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "the publish removed the checkpoint");
                assertEquals(2, rs.getLong(2));
                assertEquals(2, rs.getLong(3), "one ledger row per partition and attempt, each succeeded");
                assertEquals(2, rs.getLong(4));
            }
        }
    }

    @Test
    void theStagingTableGetsTheRawTablesPlainOneColumnIndexesOnlyAndOnlyOnce() throws Exception {
        pg.createDatabase(db);
        land(DAY, 5, 1, 0);
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            // Copied: a plain btree on one column. Not copied: two columns, an expression, a predicate, another method,
            // and a column's non-default collation.
            s.execute("ALTER TABLE raw.t ADD COLUMN note text");
            s.execute("CREATE INDEX ON raw.t (id)");
            s.execute("CREATE INDEX ON raw.t (v, id)");
            s.execute("CREATE INDEX ON raw.t ((v + 1))");
            s.execute("CREATE INDEX ON raw.t (updated_at) WHERE v > 0");
            s.execute("CREATE INDEX ON raw.t USING hash (v)");
            s.execute("CREATE INDEX ON raw.t (note COLLATE \"C\")");
        }
        Landing.Request r = new Landing.Request("test", "t", SHAPE, List.of(), NEXT, SchemaPolicy.NULL_FILL, null, Duration.ofSeconds(30),
                Duration.ofSeconds(30));
        try (Landing l = Landing.open(wh, r); Connection c = pg.connect(db)) {
            PartitionNames names = PartitionNames.of("t", NEXT);
            StagingTable staging = new StagingTable("t", NEXT, names);
            String indexes = "SELECT string_agg(pg_get_indexdef(indexrelid), '; ' ORDER BY 1) FROM pg_index WHERE indrelid = to_regclass("
                    + com.shopflow.ingest.core.pg.Identifiers.literal(staging.qualified()) + ")";
            staging.indexLikeRaw(c);
            String once;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(indexes)) {
                rs.next();
                once = rs.getString(1);
            }
            assertTrue(once != null && once.matches("CREATE INDEX \\S+ ON \\S+ USING btree \\(id\\)"), once);
            staging.indexLikeRaw(c);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(indexes)) {
                rs.next();
                assertEquals(once, rs.getString(1), "a second call adds nothing");
            }
        }
    }
}
