package com.shopflow.ingest.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntervalOptionsTest {
    static IntervalOptions options(String start, String end, String every) {
        IntervalOptions o = new IntervalOptions();
        o.start = start;
        o.end = end;
        o.every = every;
        return o;
    }

    @Test
    void withoutEveryTheRunHasOnePartition() {
        IntervalOptions o = options("2026-11-23T00:00:00+00:00", "2026-11-24T00:00:00+00:00", null);
        assertEquals(List.of(o.interval()), o.partitions());
        assertFalse(o.everyGiven());
    }

    @Test
    void twoYearsOfDaysAreConsecutiveUtcDays() {
        List<Interval> days = options("2024-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "P1D").partitions();
        assertEquals(366 + 365, days.size());
        assertEquals(Instant.parse("2024-01-01T00:00:00Z"), days.get(0).start());
        assertEquals(Instant.parse("2024-02-29T00:00:00Z"), days.get(59).start());
        for (int i = 1; i < days.size(); i++) {
            assertEquals(days.get(i - 1).end(), days.get(i).start(), "no gap, no overlap at " + i);
        }
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), days.get(days.size() - 1).end());
    }

    @Test
    void monthsAreCalendarMonthsAndHoursWork() {
        List<Interval> months = options("2024-01-01T00:00:00Z", "2024-04-01T00:00:00Z", "P1M").partitions();
        assertEquals(3, months.size());
        assertEquals(Instant.parse("2024-03-01T00:00:00Z"), months.get(1).end());
        assertEquals(48, options("2026-11-23T00:00:00Z", "2026-11-25T00:00:00Z", "pt1h").partitions().size());
    }

    @Test
    void aStepThatDoesNotDivideTheRangeOrIsNotPositiveIsAUsageError() {
        for (String every : List.of("PT7H", "P0D", "-P1D", "PT-1H", "1 day", "PT0.0000001S")) {
            IngestException e = assertThrows(IngestException.class,
                    () -> options("2026-11-23T00:00:00Z", "2026-11-25T00:00:00Z", every).partitions(), every);
            assertEquals(ErrorCode.USAGE, e.code(), every);
            assertTrue(e.getMessage().contains("--every"), e.getMessage());
        }
    }

    @Test
    void tooManyPartitionsIsAUsageError() {
        IngestException e = assertThrows(IngestException.class,
                () -> options("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "PT1M").partitions());
        assertEquals(ErrorCode.USAGE, e.code());
    }
}
