package com.shopflow.ingest.core.verify;

import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.pg.Identifiers;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Compares two {@link RowSet}s the way a data diff does, each database computing its own side: first the row count
 * and an order-independent checksum (the sum of a 64-bit hash of each row's canonical text); when they differ, the
 * key space is cut at {@value #FANOUT}-quantiles of both sides and each piece's count and checksum compared, level by
 * level, until a differing piece holds at most {@value #LEAF_ROWS} rows on each side: only then its keys and row
 * hashes are read, to name the keys missing, extra or different. Both sides run at the same time.
 */
public final class PartitionDiff {
    static final int FANOUT = 16;
    static final int LEAF_ROWS = 256;

    private final RowSet source;
    private final RowSet landed;
    private final int limit;
    private int roundTrips;

    public PartitionDiff(RowSet source, RowSet landed, int limit) {
        if (source.keyType() != landed.keyType()) {
            throw new IllegalArgumentException("both sides need the same key type");
        }
        this.source = source;
        this.landed = landed;
        this.limit = Math.max(1, limit);
    }

    /** {@code leaf}: compare its keys now (small, or a piece that quantiles cannot cut further). */
    private record Range(String from, String to, long sourceRows, long landedRows, boolean leaf) {
        Range(String from, String to, long sourceRows, long landedRows) {
            this(from, to, sourceRows, landedRows, Math.max(sourceRows, landedRows) <= LEAF_ROWS);
        }
    }

    private record Sums(long rows, String checksum) {
    }

    private record Leaf(String cursor, long hash) {
    }

    /** Runs the comparison; {@code withRows} also reads the canonical row text of each listed key on both sides. */
    public DiffReport run(boolean withRows) throws SQLException {
        RowSet.canonical(source.connection());
        RowSet.canonical(landed.connection());
        Pair<Sums> total = both(s -> totals(s, null, null));
        Sums src = total.source();
        Sums land = total.landed();
        if (src.rows() == land.rows() && src.checksum().equals(land.checksum())) {
            return new DiffReport(src.rows(), land.rows(), src.checksum(), land.checksum(), List.of(), List.of(), false, 0, roundTrips);
        }
        List<DiffReport.KeyRange> ranges = new ArrayList<>();
        List<DiffReport.KeyDiff> keys = new ArrayList<>();
        Deque<Range> level = new ArrayDeque<>();
        level.add(new Range(null, null, src.rows(), land.rows()));
        int levels = 0;
        boolean truncated = false;
        while (!level.isEmpty()) {
            levels++;
            Deque<Range> next = new ArrayDeque<>();
            while (!level.isEmpty()) {
                Range r = level.poll();
                if (keys.size() >= limit) {
                    truncated = true;
                    ranges.add(new DiffReport.KeyRange(r.from(), r.to(), r.sourceRows(), r.landedRows(), false));
                    continue;
                }
                if (r.leaf()) {
                    int before = keys.size();
                    leaf(r, keys);
                    if (keys.size() > before) {
                        ranges.add(new DiffReport.KeyRange(r.from(), r.to(), r.sourceRows(), r.landedRows(), true));
                    }
                } else {
                    next.addAll(split(r));
                }
            }
            level = next;
        }
        if (keys.size() > limit) {
            truncated = true;
            keys = new ArrayList<>(keys.subList(0, limit));
        }
        keys = explain(keys, withRows);
        return new DiffReport(src.rows(), land.rows(), src.checksum(), land.checksum(), ranges, keys, truncated, levels, roundTrips);
    }

    /** Count and checksum of {@code [from, to)}. */
    private Sums totals(RowSet s, String from, String to) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT count(*), coalesce(sum(hashtextextended(x._r, 0)), 0)::text FROM ("
                + s.rows() + ") x WHERE " + within(s, from, to)); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Sums(rs.getLong(1), rs.getString(2));
        }
    }

    /** Cuts a differing range at quantiles of both sides' keys and keeps the pieces whose count or checksum differ. */
    private List<Range> split(Range r) throws SQLException {
        Pair<String[]> cuts = both(s -> quantiles(s, r));
        TreeSet<String> distinct = new TreeSet<>(List.of(cuts.source()));
        distinct.addAll(List.of(cuts.landed()));
        // The cut points in the databases' own key order (a Java sort of text would not be byte-wise UTF-8).
        String[] points = ordered(distinct.toArray(String[]::new));
        Pair<Map<Integer, Sums>> buckets = both(s -> buckets(s, r, points));
        List<Range> out = new ArrayList<>();
        for (int i = 0; i <= points.length; i++) {
            Sums a = buckets.source().getOrDefault(i, new Sums(0, "0"));
            Sums b = buckets.landed().getOrDefault(i, new Sums(0, "0"));
            if (a.rows() != b.rows() || !a.checksum().equals(b.checksum())) {
                String from = i == 0 ? r.from() : points[i - 1];
                String to = i == points.length ? r.to() : points[i];
                boolean same = java.util.Objects.equals(from, r.from()) && java.util.Objects.equals(to, r.to());
                out.add(same ? new Range(from, to, a.rows(), b.rows(), true) : new Range(from, to, a.rows(), b.rows()));
            }
        }
        return out;
    }

    private String[] quantiles(RowSet s, Range r) throws SQLException {
        StringBuilder fractions = new StringBuilder("ARRAY[");
        for (int i = 1; i < FANOUT; i++) {
            fractions.append(i > 1 ? "," : "").append((double) i / FANOUT);
        }
        fractions.append("]::float8[]");
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT (percentile_disc(" + fractions + ") WITHIN GROUP (ORDER BY "
                + s.keyType().key("x") + "))::text[] FROM (" + s.rows() + ") x WHERE " + within(s, r.from(), r.to()));
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            Array a = rs.getArray(1);
            return a == null ? new String[0] : (String[]) a.getArray();
        }
    }

    private String[] ordered(String[] points) throws SQLException {
        RowSet.KeyType t = landed.keyType();
        String element = t == RowSet.KeyType.TEXT ? "(p::text COLLATE \"C\")" : "p";
        roundTrips++;
        try (PreparedStatement ps = landed.connection().prepareStatement("SELECT array(SELECT DISTINCT " + element + " FROM unnest("
                + t.array("?") + ") p ORDER BY 1)::text[]")) {
            ps.setArray(1, landed.connection().createArrayOf("text", points));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return (String[]) rs.getArray(1).getArray();
            }
        }
    }

    /** Count and checksum per piece: piece i holds the keys from point i-1 (inclusive) to point i. */
    private Map<Integer, Sums> buckets(RowSet s, Range r, String[] points) throws SQLException {
        Map<Integer, Sums> out = new HashMap<>();
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT width_bucket(" + s.keyType().key("x") + ", "
                + s.keyType().array("?") + "), count(*), sum(hashtextextended(x._r, 0))::text FROM (" + s.rows() + ") x WHERE "
                + within(s, r.from(), r.to()) + " GROUP BY 1")) {
            ps.setArray(1, s.connection().createArrayOf("text", points));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), new Sums(rs.getLong(2), rs.getString(3)));
                }
            }
        }
        return out;
    }

    /** Reads keys and row hashes of a small range on both sides and lists what differs, in key order. */
    private void leaf(Range r, List<DiffReport.KeyDiff> keys) throws SQLException {
        Pair<Map<String, Leaf>> sides = both(s -> leafRows(s, r));
        Map<String, Leaf> src = sides.source();
        Map<String, Leaf> land = sides.landed();
        for (String k : orderedKeys(src, land)) {
            Leaf a = src.get(k);
            Leaf b = land.get(k);
            if (a == null) {
                keys.add(new DiffReport.KeyDiff(k, DiffReport.Kind.EXTRA, b.cursor(), null, null, null));
            } else if (b == null) {
                keys.add(new DiffReport.KeyDiff(k, DiffReport.Kind.MISSING, null, a.cursor(), null, null));
            } else if (a.hash() != b.hash()) {
                keys.add(new DiffReport.KeyDiff(k, DiffReport.Kind.DIFFERENT, b.cursor(), a.cursor(), null, null));
            }
        }
    }

    /** The keys of both maps, in the order the databases returned them (each side reads in key order). */
    private static List<String> orderedKeys(Map<String, Leaf> src, Map<String, Leaf> land) {
        LinkedHashMap<String, Boolean> merged = new LinkedHashMap<>();
        // A two-way merge would need the databases' ordering in Java; the landed order, then the source-only keys, is enough.
        land.keySet().forEach(k -> merged.put(k, true));
        src.keySet().forEach(k -> merged.putIfAbsent(k, true));
        return new ArrayList<>(merged.keySet());
    }

    private Map<String, Leaf> leafRows(RowSet s, Range r) throws SQLException {
        Map<String, Leaf> out = new LinkedHashMap<>();
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT x._k::text, x._c::text, hashtextextended(x._r, 0) FROM ("
                + s.rows() + ") x WHERE " + within(s, r.from(), r.to()) + " ORDER BY " + s.keyType().key("x"));
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new Leaf(rs.getString(2), rs.getLong(3)));
            }
        }
        return out;
    }

    /** Adds the source's cursor of keys not found in its interval (from anywhere in the table) and, if asked, both rows. */
    private List<DiffReport.KeyDiff> explain(List<DiffReport.KeyDiff> keys, boolean withRows) throws SQLException {
        if (keys.isEmpty()) {
            return keys;
        }
        String[] names = keys.stream().map(DiffReport.KeyDiff::key).toArray(String[]::new);
        Map<String, String> moved = source.lookup() == null ? Map.of() : pairs(source, "SELECT x._k::text, x._c::text FROM (" + source.lookup()
                + ") x WHERE x._k = ANY " + source.keyType().array("?"), names);
        Map<String, String> sourceRows = withRows ? rowsOf(source, names) : Map.of();
        Map<String, String> landedRows = withRows ? rowsOf(landed, names) : Map.of();
        List<DiffReport.KeyDiff> out = new ArrayList<>();
        for (DiffReport.KeyDiff k : keys) {
            String sourceCursor = k.kind() == DiffReport.Kind.EXTRA ? moved.get(k.key()) : k.sourceCursor();
            out.add(new DiffReport.KeyDiff(k.key(), k.kind(), k.landedCursor(), sourceCursor, landedRows.get(k.key()), sourceRows.get(k.key())));
        }
        return out;
    }

    private Map<String, String> rowsOf(RowSet s, String[] keys) throws SQLException {
        return pairs(s, "SELECT x._k::text, x._r FROM (" + s.rows() + ") x WHERE x._k = ANY " + s.keyType().array("?"), keys);
    }

    private Map<String, String> pairs(RowSet s, String sql, String[] keys) throws SQLException {
        roundTrips++;
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement ps = s.connection().prepareStatement(sql)) {
            ps.setArray(1, s.connection().createArrayOf("text", keys));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /** The predicate of {@code [from, to)} on the key (null bounds are open). */
    private static String within(RowSet s, String from, String to) {
        String k = s.keyType().key("x");
        String cast = s.keyType() == RowSet.KeyType.TEXT ? " COLLATE \"C\"" : "::" + s.keyType().sql();
        StringBuilder w = new StringBuilder("true");
        if (from != null) {
            w.append(" AND ").append(k).append(" >= ").append(Identifiers.literal(from)).append(cast);
        }
        if (to != null) {
            w.append(" AND ").append(k).append(" < ").append(Identifiers.literal(to)).append(cast);
        }
        return w.toString();
    }

    private interface Query<T> {
        T on(RowSet s) throws SQLException;
    }

    /** Runs one query on one side; its failure is classified as that side's (a source that went away exits 1, ...). */
    private static <T> T on(RowSet s, Query<T> q) {
        try {
            return q.on(s);
        } catch (SQLException e) {
            throw Failures.classify(s.side(), e);
        }
    }

    private record Pair<T>(T source, T landed) {
    }

    /** Runs {@code q} on the source (in a second thread) and on the landed side at once. */
    private <T> Pair<T> both(Query<T> q) throws SQLException {
        roundTrips += 2;
        FutureTask<T> onSource = new FutureTask<>(() -> on(source, q));
        Thread.ofVirtual().name("verify-source").start(onSource);
        T mine = on(landed, q);
        T theirs;
        try {
            theirs = onSource.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while the source computed its side", "57014", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
        return new Pair<>(theirs, mine);
    }
}
