package com.shopflow.ingest.simulator.db;

import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * What a bulk fill generates: {@code orders} orders (1 to 5 items each, 3 on average) and {@code orders / 5}
 * customers (at least one), created and updated over {@code days} UTC days from {@code firstDay}.
 */
public record Scale(long orders, long seed, LocalDate firstDay, int days) {
    public Scale {
        if (orders < 0 || days < 1 || firstDay == null) {
            throw new IllegalArgumentException("orders must be >= 0, days >= 1 and firstDay set");
        }
    }

    public long customers() {
        return Math.max(1, orders / 5);
    }

    long startMicros() {
        return firstDay.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
    }

    long endMicros() {
        return firstDay.plusDays(days).atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
    }
}
