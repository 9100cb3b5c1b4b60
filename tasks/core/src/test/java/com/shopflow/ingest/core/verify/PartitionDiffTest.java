package com.shopflow.ingest.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.testkit.PostgresServer;
import java.sql.Connection;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The bisection on two real databases: exactly the keys that differ, in few round trips, within the limit. */
class PartitionDiffTest {
    final PostgresServer pg = PostgresServer.shared();

    static final String ROWS = "SELECT k AS _k, c AS _c, row(k, v, c)::text AS _r FROM t";

    static Map<String, DiffReport.Kind> kinds(DiffReport r) {
        Map<String, DiffReport.Kind> out = new TreeMap<>();
        r.keys().forEach(k -> out.put(k.key(), k.kind()));
        return out;
    }

    void fill(String db, String keyType, String key) throws Exception {
        pg.createDatabase(db);
        pg.execute(db, "CREATE TABLE t (k " + keyType + " PRIMARY KEY, v text, c timestamptz);"
                + "INSERT INTO t SELECT " + key + ", md5(g::text), '2026-11-23'::timestamptz + g * interval '1 s' FROM generate_series(1, 50000) g");
    }

    DiffReport diff(String src, String wh, RowSet.KeyType type, int limit) throws Exception {
        try (Connection a = pg.connect(src); Connection b = pg.connect(wh)) {
            return new PartitionDiff(new RowSet(Failures.Side.SOURCE_DB, a, ROWS, "SELECT k AS _k, c AS _c FROM t", type),
                    new RowSet(Failures.Side.WAREHOUSE, b, ROWS, null, type), limit).run(false);
        }
    }

    @Test
    void fiftyThousandBigintKeysWithSixTamperedAreNarrowedDownToExactlyThoseKeys() throws Exception {
        fill("diff_src", "bigint", "g");
        fill("diff_wh", "bigint", "g");
        assertTrue(diff("diff_src", "diff_wh", RowSet.KeyType.BIGINT, 100).equal());
        pg.execute("diff_wh", "DELETE FROM t WHERE k IN (17, 40000); INSERT INTO t VALUES (90001, 'x', now());"
                + "UPDATE t SET v = NULL WHERE k = 25000; UPDATE t SET v = 'changed' WHERE k = 25001; UPDATE t SET c = c + interval '1 ms' WHERE k = 3");
        DiffReport r = diff("diff_src", "diff_wh", RowSet.KeyType.BIGINT, 100);
        assertFalse(r.equal());
        assertEquals(Map.of("17", DiffReport.Kind.MISSING, "40000", DiffReport.Kind.MISSING, "90001", DiffReport.Kind.EXTRA,
                "25000", DiffReport.Kind.DIFFERENT, "25001", DiffReport.Kind.DIFFERENT, "3", DiffReport.Kind.DIFFERENT), kinds(r));
        assertFalse(r.truncated());
        // Levels of 16 pieces: 50,000 rows need 3 levels before pieces hold at most 256 rows.
        assertTrue(r.levels() <= 4, r.toString());
        assertTrue(r.roundTrips() < 120, "round trips: " + r.roundTrips());
        assertTrue(r.ranges().stream().allMatch(DiffReport.KeyRange::explored));

        DiffReport limited = diff("diff_src", "diff_wh", RowSet.KeyType.BIGINT, 2);
        assertEquals(2, limited.keys().size());
        assertTrue(limited.truncated());
        assertTrue(limited.ranges().stream().anyMatch(x -> !x.explored()), limited.ranges().toString());
    }

    @Test
    void textKeysAreOrderedByteWiseOnBothSides() throws Exception {
        fill("diff_text_src", "text", "'k' || g || CASE WHEN g % 7 = 0 THEN 'Ä' ELSE 'a' END");
        fill("diff_text_wh", "text", "'k' || g || CASE WHEN g % 7 = 0 THEN 'Ä' ELSE 'a' END");
        pg.execute("diff_text_wh", "UPDATE t SET v = 'changed' WHERE k IN ('k14Ä', 'k49999a')");
        DiffReport r = diff("diff_text_src", "diff_text_wh", RowSet.KeyType.TEXT, 100);
        assertEquals(Map.of("k14Ä", DiffReport.Kind.DIFFERENT, "k49999a", DiffReport.Kind.DIFFERENT), kinds(r));
    }
}
