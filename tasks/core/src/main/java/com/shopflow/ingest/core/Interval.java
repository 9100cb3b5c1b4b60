package com.shopflow.ingest.core;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The half-open data interval {@code [start, end)} of one run, as Airflow's data interval renders it.
 * Timestamps keep microsecond precision at most, the resolution of PostgreSQL's timestamptz, so that
 * an interval written to the warehouse and read back is the same interval.
 */
public record Interval(Instant start, Instant end) {
    /**
     * The earliest and latest instants a run may name. PostgreSQL's timestamptz stores 4713 BC to 294276 AD, but the
     * tasks pass instants as ISO-8601 text with four-digit years (partition names, SQL literals) and through
     * java.sql.Timestamp, whose calendar is Julian before 1582-10-15 while PostgreSQL's is Gregorian: within
     * [1583-01-01, 9999-12-31T23:59:59.999999Z] both sides agree on every instant.
     */
    public static final Instant MIN = Instant.parse("1583-01-01T00:00:00Z");
    public static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");

    public Interval {
        if (start == null || end == null) {
            throw new IngestException(ErrorCode.USAGE, "the interval needs both --start and --end");
        }
        checkRange("--start", start);
        checkRange("--end", end);
        if (!end.isAfter(start)) {
            throw new IngestException(ErrorCode.USAGE,
                    "--end (" + end + ") must be after --start (" + start + "): the interval is [start, end)");
        }
        if (start.truncatedTo(ChronoUnit.MICROS).compareTo(start) != 0 || end.truncatedTo(ChronoUnit.MICROS).compareTo(end) != 0) {
            throw new IngestException(ErrorCode.USAGE, "timestamps finer than a microsecond cannot be stored in the warehouse");
        }
    }

    private static void checkRange(String option, Instant t) {
        if (t.isBefore(MIN) || t.isAfter(MAX)) {
            throw new IngestException(ErrorCode.USAGE, option + " " + t + " is outside the range a run can land: from " + MIN
                    + " to " + MAX);
        }
    }

    /** Parses {@code --start}/{@code --end} values: ISO-8601 with an offset or Z, as {@code {{ ts }}} renders them. */
    public static Instant parseTimestamp(String option, String text) {
        if (text == null || text.isBlank()) {
            throw new IngestException(ErrorCode.USAGE, option + " is missing: give an ISO-8601 timestamp with offset, e.g. 2026-11-23T00:00:00+00:00");
        }
        try {
            return OffsetDateTime.parse(text.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IngestException(ErrorCode.USAGE, option + " '" + text
                    + "' is not an ISO-8601 timestamp with offset (e.g. 2026-11-23T00:00:00+00:00 or 2026-11-23T00:00:00Z)");
        } catch (java.time.DateTimeException e) {
            throw new IngestException(ErrorCode.USAGE, option + " '" + text + "' is outside the range a run can land: from " + MIN
                    + " to " + MAX);
        }
    }

    public static Interval parse(String start, String end) {
        return new Interval(parseTimestamp("--start", start), parseTimestamp("--end", end));
    }

    /** Compact UTC form used in partition table names, e.g. {@code 20261123T000000Z}. */
    public static String compact(Instant t) {
        OffsetDateTime u = t.atOffset(ZoneOffset.UTC);
        String base = String.format("%04d%02d%02dT%02d%02d%02d", u.getYear(), u.getMonthValue(), u.getDayOfMonth(),
                u.getHour(), u.getMinute(), u.getSecond());
        int micros = u.getNano() / 1000;
        return micros == 0 ? base + "Z" : base + String.format("%06d", micros) + "Z";
    }

    public boolean contains(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
