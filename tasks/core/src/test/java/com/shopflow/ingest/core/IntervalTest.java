package com.shopflow.ingest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class IntervalTest {
    @Test
    void parsesAirflowTsAndZuluTheSame() {
        Interval a = Interval.parse("2026-11-23T00:00:00+00:00", "2026-11-24T00:00:00+00:00");
        Interval b = Interval.parse("2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z");
        assertEquals(a, b);
        assertEquals(Instant.parse("2026-11-23T00:00:00Z"), a.start());
    }

    @Test
    void offsetsAreHonoured() {
        assertEquals(Instant.parse("2026-11-22T23:00:00Z"), Interval.parseTimestamp("--start", "2026-11-23T00:00:00+01:00"));
    }

    @Test
    void refusesBadInputAsUsageErrors() {
        for (String[] bad : new String[][] {{"2026-11-24T00:00:00Z", "2026-11-23T00:00:00Z"}, {"2026-11-23T00:00:00Z", "2026-11-23T00:00:00Z"},
            {"yesterday", "2026-11-23T00:00:00Z"}, {"2026-11-23T00:00:00", "2026-11-24T00:00:00Z"}, {null, "2026-11-24T00:00:00Z"},
            {"2026-11-23T00:00:00.0000001Z", "2026-11-24T00:00:00Z"}}) {
            IngestException e = assertThrows(IngestException.class, () -> Interval.parse(bad[0], bad[1]));
            assertEquals(ErrorCode.USAGE, e.code());
            assertEquals(2, e.code().exitCode());
        }
    }

    @Test
    void halfOpen() {
        Interval i = Interval.parse("2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z");
        assertTrue(i.contains(i.start()));
        assertTrue(!i.contains(i.end()));
    }

    @Test
    void compactFormKeepsMicroseconds() {
        assertEquals("20261123T000000Z", Interval.compact(Instant.parse("2026-11-23T00:00:00Z")));
        assertEquals("20261123T010203000004Z", Interval.compact(Instant.parse("2026-11-23T01:02:03.000004Z")));
    }

    @Test
    void refusesInstantsOutsideTheLandableRangeAsUsageErrors() {
        for (String[] bad : new String[][] {{"0000-01-01T00:00:00Z", "2026-11-24T00:00:00Z"}, {"-0100-01-01T00:00:00Z", "2026-11-24T00:00:00Z"},
                {"2026-11-23T00:00:00Z", "+294277-01-01T00:00:00Z"}, {"2026-11-23T00:00:00Z", "+999999999-12-31T23:59:59-18:00"},
                {"-999999999-01-01T00:00:00+18:00", "2026-11-24T00:00:00Z"}}) {
            IngestException e = assertThrows(IngestException.class, () -> Interval.parse(bad[0], bad[1]));
            assertEquals(ErrorCode.USAGE, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("outside the range"), e.getMessage());
        }
        assertEquals(Interval.MAX, Interval.parse("9999-12-31T00:00:00Z", "9999-12-31T23:59:59.999999Z").end());
    }
}
