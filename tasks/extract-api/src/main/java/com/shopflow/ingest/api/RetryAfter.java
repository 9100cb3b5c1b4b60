package com.shopflow.ingest.api;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A {@code Retry-After} header read defensively (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Huge numbers
 * saturate (never overflow into a negative wait), a date in the past means now, garbage means the default.
 *
 * @param delay    how long the server asks to wait (never negative)
 * @param readable false when the header was missing or unreadable and {@code delay} is the default
 */
record RetryAfter(Duration delay, boolean readable) {
    static final Duration DEFAULT = Duration.ofSeconds(1);
    private static final long MAX_SECONDS = Duration.ofDays(365 * 100).toSeconds();

    static RetryAfter parse(String header) {
        if (header == null || header.isBlank()) {
            return new RetryAfter(DEFAULT, false);
        }
        String h = header.trim();
        if (h.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // Digits only: any length; beyond a century it is "for ever" as far as a run is concerned.
            String digits = h.replaceFirst("^0+(?=.)", "");
            long s = digits.length() > 12 ? MAX_SECONDS : Math.min(MAX_SECONDS, Long.parseLong(digits));
            return new RetryAfter(Duration.ofSeconds(s), true);
        }
        try {
            Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(Instant.now(), at);
            return new RetryAfter(d.isNegative() ? Duration.ZERO : d.compareTo(Duration.ofSeconds(MAX_SECONDS)) > 0
                    ? Duration.ofSeconds(MAX_SECONDS) : d, true);
        } catch (RuntimeException e) {
            return new RetryAfter(DEFAULT, false);
        }
    }
}
