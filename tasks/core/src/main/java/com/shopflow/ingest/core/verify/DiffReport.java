package com.shopflow.ingest.core.verify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopflow.ingest.core.Json;
import java.io.PrintStream;
import java.util.List;

/**
 * What a comparison of a landed partition with its source found: the counts and checksums of both sides and, when
 * they differ, the key ranges the bisection narrowed down to and the keys in them.
 *
 * @param ranges     the smallest key ranges found different (their keys are listed), then those left unexplored
 *                   once {@code limit} keys were found
 * @param keys       at most {@code limit} keys, in key order within each range
 * @param truncated  true when more keys differ than listed
 * @param roundTrips queries sent, both sides counted
 */
public record DiffReport(long sourceRows, long landedRows, String sourceChecksum, String landedChecksum, List<KeyRange> ranges,
                         List<KeyDiff> keys, boolean truncated, int levels, int roundTrips) {
    public DiffReport {
        ranges = List.copyOf(ranges);
        keys = List.copyOf(keys);
    }

    public boolean equal() {
        return sourceRows == landedRows && sourceChecksum.equals(landedChecksum);
    }

    /** A key range {@code [from, to)}; a null bound is open. {@code explored} is false for ranges left over at the limit. */
    public record KeyRange(String from, String to, long sourceRows, long landedRows, boolean explored) {
    }

    public enum Kind {
        /** In the source for this interval, not in the partition. */
        MISSING,
        /** In the partition, not in the source for this interval. */
        EXTRA,
        /** In both, with other values. */
        DIFFERENT
    }

    /**
     * One key that differs. Cursors are the text of each side's cursor ({@code sourceCursor} from anywhere in the source
     * table: a row that moved out of the interval still has one); rows are filled only when asked ({@code --rows}).
     */
    public record KeyDiff(String key, Kind kind, String landedCursor, String sourceCursor, String landedRow, String sourceRow) {
        /** Why it may differ, from the cursors: the usual cause is a source that changed since the landing. */
        public String note() {
            return switch (kind) {
                case MISSING -> "in the source with cursor " + sourceCursor + ", not landed (added or moved into the interval since the landing?)";
                case EXTRA -> sourceCursor == null ? "not in the source any more (deleted there?)"
                        : "moved out of the interval: the source's cursor is now " + sourceCursor;
                case DIFFERENT -> java.util.Objects.equals(landedCursor, sourceCursor) ? "same cursor, other values"
                        : "changed in the source since the landing: cursor " + landedCursor + " -> " + sourceCursor;
            };
        }
    }

    public long count(Kind kind) {
        return keys.stream().filter(k -> k.kind() == kind).count();
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("equal", equal());
        n.put("source_rows", sourceRows);
        n.put("landed_rows", landedRows);
        n.put("source_checksum", sourceChecksum);
        n.put("landed_checksum", landedChecksum);
        n.put("missing", count(Kind.MISSING));
        n.put("extra", count(Kind.EXTRA));
        n.put("different", count(Kind.DIFFERENT));
        n.put("truncated", truncated);
        n.put("levels", levels);
        n.put("round_trips", roundTrips);
        ArrayNode rs = n.putArray("ranges");
        for (KeyRange r : ranges) {
            ObjectNode o = rs.addObject();
            o.put("from", r.from());
            o.put("to", r.to());
            o.put("source_rows", r.sourceRows());
            o.put("landed_rows", r.landedRows());
            o.put("explored", r.explored());
        }
        ArrayNode ks = n.putArray("keys");
        for (KeyDiff k : keys) {
            ObjectNode o = ks.addObject();
            o.put("key", k.key());
            o.put("kind", k.kind().name().toLowerCase(java.util.Locale.ROOT));
            o.put("landed_cursor", k.landedCursor());
            o.put("source_cursor", k.sourceCursor());
            o.put("note", k.note());
            if (k.landedRow() != null || k.sourceRow() != null) {
                o.put("landed_row", k.landedRow());
                o.put("source_row", k.sourceRow());
            }
        }
        return n;
    }

    /** The readable form: a line of totals, the ranges, then one line per key (and its rows when fetched). */
    public void print(PrintStream out, String target) {
        out.printf("%s: source %d rows, landed %d rows: %s%n", target, sourceRows, landedRows, equal() ? "EQUAL (counts and checksums agree)"
                : "DIFFERENT (" + count(Kind.MISSING) + " missing, " + count(Kind.EXTRA) + " extra, " + count(Kind.DIFFERENT)
                + " different" + (truncated ? ", more not listed" : "") + ")");
        if (equal()) {
            return;
        }
        out.printf("%-24s %-24s %12s %12s%n", "keys from", "to (exclusive)", "source_rows", "landed_rows");
        for (KeyRange r : ranges) {
            out.printf("%-24s %-24s %12d %12d%s%n", r.from() == null ? "(start)" : r.from(), r.to() == null ? "(end)" : r.to(),
                    r.sourceRows(), r.landedRows(), r.explored() ? "" : "  not explored (limit reached)");
        }
        out.printf("%-24s %-10s %s%n", "key", "kind", "note");
        for (KeyDiff k : keys) {
            out.printf("%-24s %-10s %s%n", k.key(), k.kind().name().toLowerCase(java.util.Locale.ROOT), k.note());
            if (k.landedRow() != null || k.sourceRow() != null) {
                out.printf("    landed: %s%n    source: %s%n", k.landedRow() == null ? "-" : k.landedRow(), k.sourceRow() == null ? "-" : k.sourceRow());
            }
        }
    }
}
