package com.shopflow.ingest.simulator.api;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Objects;

/**
 * How to run the products API: the catalog (size, seed, day range), the token, the contract's limits
 * (100 requests per rolling 60 s, cursors valid 15 minutes; smaller in tests) and the initial faults.
 *
 * @param port            0 for any free port on the loopback interface
 * @param bindAddress     interface to listen on (loopback unless the demo needs more)
 */
public record ApiOptions(int port, String bindAddress, int products, long seed, LocalDate firstDay, int days, String token,
                         int rateLimit, Duration rateWindow, Duration cursorLifetime, ApiFaults faults) {
    public static final int CONTRACT_RATE_LIMIT = 100;
    public static final Duration CONTRACT_WINDOW = Duration.ofSeconds(60);
    public static final Duration CONTRACT_CURSOR_LIFETIME = Duration.ofMinutes(15);

    public ApiOptions {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(firstDay, "firstDay");
        if (token.isEmpty()) {
            throw new IllegalArgumentException("the API token must not be empty");
        }
        if (products < 0 || days < 1 || rateLimit < 1) {
            throw new IllegalArgumentException("products >= 0, days >= 1 and rate limit >= 1 are required");
        }
        bindAddress = bindAddress == null ? "127.0.0.1" : bindAddress;
        rateWindow = rateWindow == null ? CONTRACT_WINDOW : rateWindow;
        cursorLifetime = cursorLifetime == null ? CONTRACT_CURSOR_LIFETIME : cursorLifetime;
        faults = faults == null ? ApiFaults.none() : faults;
    }

    /** A contract-conforming API on a free loopback port, without faults. */
    public static ApiOptions of(int products, long seed, LocalDate firstDay, int days, String token) {
        return new ApiOptions(0, "127.0.0.1", products, seed, firstDay, days, token, CONTRACT_RATE_LIMIT, CONTRACT_WINDOW,
                CONTRACT_CURSOR_LIFETIME, ApiFaults.none());
    }

    public ApiOptions withRateLimit(int limit, Duration window) {
        return new ApiOptions(port, bindAddress, products, seed, firstDay, days, token, limit, window, cursorLifetime, faults);
    }

    public ApiOptions withCursorLifetime(Duration lifetime) {
        return new ApiOptions(port, bindAddress, products, seed, firstDay, days, token, rateLimit, rateWindow, lifetime, faults);
    }

    public ApiOptions withFaults(ApiFaults f) {
        return new ApiOptions(port, bindAddress, products, seed, firstDay, days, token, rateLimit, rateWindow, cursorLifetime, f);
    }

    public ApiOptions withPort(int p, String bind) {
        return new ApiOptions(p, bind, products, seed, firstDay, days, token, rateLimit, rateWindow, cursorLifetime, faults);
    }
}
