package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.config.DbSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The warehouse side of one run: one connection, the bookkeeping schema's version check and each raw table's schema
 * decision, made once and kept for every partition the run lands ({@code --every}). Each {@link Landing} still takes
 * its own partition lock and ledger row on it and releases the lock when done, so a range of partitions costs a few
 * statements per partition, not a connection and a catalog check each.
 * <p>
 * The raw table's schema is decided at the first partition: a column another run adds to it meanwhile makes a later
 * partition's publish fail (its staging table no longer matches), which the next run picks up.
 */
public final class WarehouseSession implements AutoCloseable {
    private final DbSettings settings;
    private final String applicationName;
    private final Map<String, RawSchema> schemas = new HashMap<>();
    private Connection connection;
    private CompletableFuture<Connection> pending;
    private boolean catalogCurrent;
    /** Lanes' connections and blocks between the partitions of a range (see {@link StagingLanes#close}). */
    private final java.util.Deque<Connection> idleLanes = new java.util.ArrayDeque<>();
    private final java.util.Deque<byte[]> spareBlocks = new java.util.ArrayDeque<>();
    private static final int MAX_SPARE_BLOCKS = StagingLanes.MAX_LANES * 9;

    public WarehouseSession(DbSettings settings, String task) {
        this.settings = settings;
        this.applicationName = "shopflow-ingest/" + task;
    }

    DbSettings settings() {
        return settings;
    }

    /**
     * Starts connecting in the background, so that the connection is ready by the time the run needs it (extract-db
     * describes its source meanwhile). A failure surfaces at the first use, as if the connection were opened then.
     */
    public WarehouseSession prefetch() {
        if (connection == null && pending == null) {
            pending = CompletableFuture.supplyAsync(() -> settings.connect(applicationName));
        }
        return this;
    }

    /** The open connection, or a new one (after {@link #discard}, or the first time). */
    Connection connection() {
        if (connection == null && pending != null) {
            CompletableFuture<Connection> p = pending;
            pending = null;
            try {
                connection = p.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        }
        if (connection == null) {
            connection = settings.connect(applicationName);
        }
        return connection;
    }

    /** Brings {@code _ingest} up to this build's version, once per session. */
    void ensureCatalog() throws SQLException {
        if (!catalogCurrent) {
            Catalog.ensure(settings, connection());
            catalogCurrent = true;
        }
    }

    /** {@link RawTable#ensure} the first time a table is landed with this shape, its decision (without changes) after that. */
    RawSchema rawTable(String table, Shape shape, List<Column> metadata, SchemaPolicy policy, UUID runId) throws SQLException {
        String key = table + "\u0000" + shape.fingerprint() + "\u0000" + metadata + "\u0000" + policy;
        RawSchema known = schemas.get(key);
        if (known != null) {
            return new RawSchema(known.version(), known.columns(), List.of());
        }
        RawSchema decided = RawTable.ensure(connection(), table, shape, metadata, policy, runId);
        schemas.put(key, decided);
        return decided;
    }

    /** A partition as published, with the ledger row that published it. */
    public record Landed(Interval interval, long rows, int schemaVersion, String partitionTable, int attempt, UUID runId) {
    }

    /**
     * The partitions of {@code target} inside {@code range} whose current publish was made by a run of the orchestrator run
     * {@code orchestratorRunId} (the ledger's {@code orchestrator_run_id}): what a retry of a killed range already has.
     */
    public Map<Interval, Landed> publishedBy(String target, String orchestratorRunId, Interval range) throws SQLException {
        ensureCatalog();
        Map<Interval, Landed> out = new HashMap<>();
        try (PreparedStatement q = connection().prepareStatement("""
                SELECT p.interval_start, p.interval_end, p.rows, p.schema_version, p.partition_table, l.attempt, l.run_id
                FROM _ingest.partition p JOIN _ingest.load_run l ON l.run_id = p.run_id
                WHERE p.target = ? AND l.orchestrator_run_id = ? AND p.interval_start >= ? AND p.interval_end <= ?""")) {
            q.setString(1, target);
            q.setString(2, orchestratorRunId);
            q.setTimestamp(3, Timestamp.from(range.start()));
            q.setTimestamp(4, Timestamp.from(range.end()));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Interval i = new Interval(rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant());
                    out.put(i, new Landed(i, rs.getLong(3), rs.getInt(4), Catalog.PARTITIONS + "." + rs.getString(5), rs.getInt(6),
                            rs.getObject(7, UUID.class)));
                }
            }
        }
        return out;
    }

    /** A staging lane's connection: one a partition's lanes handed back clean ({@link #returnLane}), or a new one. */
    synchronized Connection laneConnection(int index) {
        Connection c = idleLanes.poll();
        return c != null ? c : settings.connect(applicationName + "-lane" + index);
    }

    /** Keeps a lane's connection that ended with nothing open on it, so the next partition of a range skips a connect. */
    synchronized void returnLane(Connection c) {
        idleLanes.push(c);
    }

    /** A staging block: one the last partition's lanes handed back, or a new one. */
    synchronized byte[] block(int size) {
        byte[] b = spareBlocks.poll();
        return b != null && b.length == size ? b : new byte[size];
    }

    synchronized void returnBlocks(java.util.Collection<byte[]> blocks) {
        for (byte[] b : blocks) {
            if (spareBlocks.size() < MAX_SPARE_BLOCKS) {
                spareBlocks.push(b);
            }
        }
    }

    /** Closes the connection (it may be broken, or hold a lock that must go with it); the next use opens a new one. */
    void discard() {
        if (pending != null) {
            pending.thenAccept(WarehouseSession::closeQuietly);
            pending = null;
        }
        closeQuietly(connection);
        connection = null;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Closing a broken connection.
            }
        }
    }

    @Override
    public void close() {
        discard();
        synchronized (this) {
            idleLanes.forEach(WarehouseSession::closeQuietly);
            idleLanes.clear();
            spareBlocks.clear();
        }
    }
}
