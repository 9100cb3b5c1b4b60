package com.shopflow.ingest.api;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.RetryPolicy;
import com.shopflow.ingest.core.config.DbSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * A request budget shared by every run (every pod) using the same API and token, kept in the warehouse
 * table {@code _ingest.api_request}. Before each request, a short transaction takes an advisory lock on the
 * budget's name, counts the requests of the last window and records one if the count is under the limit;
 * otherwise it waits until the oldest of them leaves the window. Runs of a backfill thus share the API's
 * limit fairly (first come, first served per request) instead of starving each other with 429s.
 */
final class SharedBudget implements RequestBudget {
    private static final Logger LOG = Logger.getLogger(SharedBudget.class);
    private final DbSettings warehouse;
    private final String name;
    private final int limit;
    private final Duration window;
    private Connection conn;
    private int sinceCleanup;

    SharedBudget(DbSettings warehouse, String name, int limit, Duration window) {
        this.warehouse = warehouse;
        this.name = name;
        this.limit = limit;
        this.window = window;
    }

    @Override
    public long acquire() {
        long t0 = System.nanoTime();
        boolean logged = false;
        while (true) {
            double waitSeconds = tryTake();
            if (waitSeconds < 0) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            if (!logged) {
                LOG.debugf("request budget %s spent (%d per %d s); waiting %.1f s", name, limit, window.toSeconds(), waitSeconds);
                logged = true;
            }
            // A little jitter so that pods waiting on the same slot do not all wake at once.
            long ms = (long) (waitSeconds * 1000) + 5 + ThreadLocalRandom.current().nextLong(20);
            RetryPolicy.sleep(Duration.ofMillis(Math.min(ms, window.toMillis())));
        }
    }

    /** Takes one request if the window has room (returns -1), else returns the seconds until it may have. */
    private double tryTake() {
        try {
            if (conn == null || conn.isClosed()) {
                conn = warehouse.connect("shopflow-ingest/extract-api-budget");
            }
            conn.setAutoCommit(false);
            try {
                try (PreparedStatement lock = conn.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 98))")) {
                    lock.setString(1, "api-budget:" + name);
                    lock.execute();
                }
                if (++sinceCleanup >= 50) {
                    sinceCleanup = 0;
                    try (PreparedStatement del = conn.prepareStatement(
                            "DELETE FROM _ingest.api_request WHERE budget = ? AND at < clock_timestamp() - make_interval(secs => ?)")) {
                        del.setString(1, name);
                        del.setDouble(2, window.toMillis() / 1000.0 * 2);
                        del.executeUpdate();
                    }
                }
                // The limit-th most recent request of the window, if there is one, is the one to wait for.
                double wait = -1;
                try (PreparedStatement q = conn.prepareStatement("""
                        SELECT extract(epoch FROM at + make_interval(secs => ?) - clock_timestamp())::float8
                        FROM _ingest.api_request WHERE budget = ? AND at > clock_timestamp() - make_interval(secs => ?)
                        ORDER BY at DESC OFFSET ? LIMIT 1""")) {
                    double w = window.toMillis() / 1000.0;
                    q.setDouble(1, w);
                    q.setString(2, name);
                    q.setDouble(3, w);
                    q.setInt(4, limit - 1);
                    try (ResultSet rs = q.executeQuery()) {
                        if (rs.next()) {
                            wait = Math.max(0.001, rs.getDouble(1));
                        }
                    }
                }
                if (wait < 0) {
                    try (PreparedStatement ins = conn.prepareStatement("INSERT INTO _ingest.api_request (budget, at) VALUES (?, clock_timestamp())")) {
                        ins.setString(1, name);
                        ins.executeUpdate();
                    }
                }
                conn.commit();
                return wait;
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            close();
            throw Failures.fromDatabase("warehouse (request budget)", ErrorCode.WAREHOUSE_UNAVAILABLE, e);
        } catch (IngestException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // Closing a broken connection.
            }
            conn = null;
        }
    }
}
