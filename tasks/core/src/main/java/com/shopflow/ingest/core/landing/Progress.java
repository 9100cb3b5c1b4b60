package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.config.DbSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Rows read by this attempt, logged every few seconds with the rate, and written to the ledger as a heartbeat
 * (on a connection of its own, so the ledger shows how far a killed attempt had read).
 */
public final class Progress {
    private static final Logger LOG = Logger.getLogger(Progress.class);
    private final AtomicLong rowsRead = new AtomicLong();
    private final String task;
    private final String target;
    private final Interval interval;
    private final Instant startedAt = Instant.now();
    private ScheduledExecutorService timer;
    private Connection ledger;
    private long lastRows;
    private long lastNanos = System.nanoTime();

    private final Duration every;

    /** @param every how often to log and beat ({@code ingest.landing.progress-seconds}) */
    Progress(String task, String target, Interval interval, Duration every) {
        this.every = every;
        this.task = task;
        this.target = target;
        this.interval = interval;
    }

    /** {@code ingest.landing.progress-seconds} of the typed configuration (its default outside an application). */
    static Duration configured() {
        int seconds;
        try {
            seconds = org.eclipse.microprofile.config.ConfigProvider.getConfig().unwrap(io.smallrye.config.SmallRyeConfig.class)
                    .getConfigMapping(com.shopflow.ingest.core.config.IngestConfig.class).landing().progressSeconds();
        } catch (RuntimeException | LinkageError e) {
            return Duration.ofSeconds(10); // no application configuration (unit tests)
        }
        if (seconds < 1) {
            throw new com.shopflow.ingest.core.IngestException(com.shopflow.ingest.core.ErrorCode.CONFIG,
                    "INGEST_LANDING_PROGRESS_SECONDS=" + seconds + " must be at least 1");
        }
        return Duration.ofSeconds(seconds);
    }

    public void add(long rows) {
        rowsRead.addAndGet(rows);
    }

    public long rowsRead() {
        return rowsRead.get();
    }

    public Instant startedAt() {
        return startedAt;
    }

    synchronized void startHeartbeat(DbSettings warehouse, UUID runId) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> beat(warehouse, runId), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void beat(DbSettings warehouse, UUID runId) {
        long rows = rowsRead.get();
        long now = System.nanoTime();
        double rate = (rows - lastRows) / Math.max(1e-9, (now - lastNanos) / 1e9);
        if (rows != lastRows) {
            LOG.infof("%s %s %s: %d rows read (%.0f rows/s)", task, target, interval, rows, rate);
        }
        lastRows = rows;
        lastNanos = now;
        try {
            if (ledger == null || ledger.isClosed()) {
                ledger = warehouse.connect("shopflow-ingest/heartbeat");
            }
            try (PreparedStatement up = ledger.prepareStatement(
                    "UPDATE _ingest.load_run SET rows_read = ?, heartbeat_at = clock_timestamp() WHERE run_id = ? AND status = 'running'")) {
                up.setLong(1, rows);
                up.setObject(2, runId);
                up.executeUpdate();
            }
        } catch (Exception e) {
            LOG.debugf("heartbeat skipped: %s", e.getMessage());
            closeLedger();
        }
    }

    synchronized void stopHeartbeat() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
        closeLedger();
    }

    private void closeLedger() {
        if (ledger != null) {
            try {
                ledger.close();
            } catch (Exception ignored) {
                // Closing a broken connection.
            }
            ledger = null;
        }
    }
}
