package com.shopflow.ingest.simulator.db;

/** Allocation-free ASCII formatting of numbers and UTC timestamps. */
final class Digits {
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private Digits() {
    }

    static int write(long v, byte[] buf, int pos) {
        if (v < 0) {
            buf[pos++] = '-';
            v = -v;
        }
        int len = 1;
        for (long x = v / 10; x > 0; x /= 10) {
            len++;
        }
        for (int i = pos + len - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        return pos + len;
    }

    /** {@code YYYY-MM-DD HH:MM:SS.ffffff+00}. */
    static int writeTimestamp(long epochMicros, byte[] buf, int pos) {
        long day = Math.floorDiv(epochMicros, MICROS_PER_DAY);
        long micros = epochMicros - day * MICROS_PER_DAY;
        pos = writeDate(day, buf, pos);
        buf[pos++] = ' ';
        long secs = micros / 1_000_000;
        pos = two((int) (secs / 3600), buf, pos);
        buf[pos++] = ':';
        pos = two((int) (secs / 60 % 60), buf, pos);
        buf[pos++] = ':';
        pos = two((int) (secs % 60), buf, pos);
        buf[pos++] = '.';
        long frac = micros % 1_000_000;
        for (int i = pos + 5; i >= pos; i--) {
            buf[i] = (byte) ('0' + frac % 10);
            frac /= 10;
        }
        pos += 6;
        buf[pos++] = '+';
        buf[pos++] = '0';
        buf[pos++] = '0';
        return pos;
    }

    /** Civil date from days since 1970-01-01 (Howard Hinnant's algorithm), years 0000-9999. */
    static int writeDate(long epochDay, byte[] buf, int pos) {
        long z = epochDay + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int d = (int) (doy - (153 * mp + 2) / 5 + 1);
        int m = (int) (mp < 10 ? mp + 3 : mp - 9);
        long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
        pos = two((int) (y / 100), buf, pos);
        pos = two((int) (y % 100), buf, pos);
        buf[pos++] = '-';
        pos = two(m, buf, pos);
        buf[pos++] = '-';
        return two(d, buf, pos);
    }

    private static int two(int v, byte[] buf, int pos) {
        buf[pos] = (byte) ('0' + v / 10);
        buf[pos + 1] = (byte) ('0' + v % 10);
        return pos + 2;
    }
}
