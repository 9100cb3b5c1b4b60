package com.shopflow.ingest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void delaysGrowExponentiallyWithJitterAndAreCapped() {
        RetryPolicy p = RetryPolicy.of(10, 100, 1000);
        for (int i = 0; i < 200; i++) {
            long d1 = p.delayAfter(1).toMillis();
            long d3 = p.delayAfter(3).toMillis();
            long d9 = p.delayAfter(9).toMillis();
            assertTrue(d1 >= 50 && d1 <= 100, "attempt 1: " + d1);
            assertTrue(d3 >= 200 && d3 <= 400, "attempt 3: " + d3);
            assertTrue(d9 >= 500 && d9 <= 1000, "capped: " + d9);
        }
        assertTrue(p.delayAfter(64).toMillis() <= 1000, "no overflow at large attempts");
    }

    @Test
    void retriesTransientFailuresOnlyAndGivesUpAfterMaxAttempts() throws Exception {
        RetryPolicy p = RetryPolicy.of(3, 1, 2);
        AtomicInteger calls = new AtomicInteger();
        assertEquals("ok", p.run("test", a -> {
            if (calls.incrementAndGet() < 3) {
                throw new SQLException("reset", "08006");
            }
            return "ok";
        }));
        assertEquals(3, calls.get());
        calls.set(0);
        assertThrows(SQLException.class, () -> p.run("test", a -> {
            calls.incrementAndGet();
            throw new SQLException("password authentication failed", "28P01");
        }));
        assertEquals(1, calls.get(), "authentication failures are not retried");
        calls.set(0);
        assertThrows(ConnectException.class, () -> p.run("test", a -> {
            calls.incrementAndGet();
            throw new ConnectException("refused");
        }));
        assertEquals(3, calls.get());
    }

    @Test
    void classifiesSqlStates() {
        for (String s : new String[] {"08006", "08001", "40001", "40P01", "57P01", "57P03", "53300", "55P03"}) {
            assertTrue(Failures.isTransient(new SQLException("x", s)), s);
        }
        for (String s : new String[] {"28P01", "28000", "3D000", "42P01", "22P02"}) {
            assertFalse(Failures.isTransient(new SQLException("x", s)), s);
        }
        assertTrue(Failures.isTransient(new RuntimeException(new IOException("broken pipe"))));
        assertFalse(Failures.isTransient(new SQLException("x", "08006", new javax.net.ssl.SSLHandshakeException("bad cert"))),
                "TLS verification failures are configuration errors");
        assertEquals(ErrorCode.AUTH, Failures.fromDatabase("db", ErrorCode.SOURCE_UNAVAILABLE, new SQLException("no", "28P01")).code());
        assertEquals(ErrorCode.SOURCE_UNAVAILABLE, Failures.fromDatabase("db", ErrorCode.SOURCE_UNAVAILABLE, new SQLException("x", "57P01")).code());
    }
}
