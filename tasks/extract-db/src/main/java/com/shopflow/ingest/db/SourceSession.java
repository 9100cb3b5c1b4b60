package com.shopflow.ingest.db;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.RetryPolicy;
import com.shopflow.ingest.core.config.DbSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.core.BaseConnection;
import org.postgresql.copy.CopyManager;

/**
 * The connection to the source database. Every chunk of a run is read inside one REPEATABLE READ, READ ONLY
 * transaction, so all chunks see one snapshot and no row can be read twice; if the connection breaks, the next
 * chunk opens a new snapshot, which the landing counts (and then removes repeated keys before publishing).
 */
final class SourceSession implements AutoCloseable {
    private final DbSettings settings;
    private final boolean singleSnapshot;
    private final RetryPolicy retry;
    private Connection connection;

    SourceSession(DbSettings settings, boolean singleSnapshot, RetryPolicy retry) {
        this.settings = settings;
        this.singleSnapshot = singleSnapshot;
        this.retry = retry;
    }

    /** Opens the connection if needed; true when a new one (so a new snapshot) was opened. */
    boolean ensureOpen() throws Exception {
        if (connection != null) {
            return false;
        }
        connection = retry.run("connecting to the source database", attempt -> open());
        return true;
    }

    private Connection open() throws SQLException {
        Connection c = settings.connect("shopflow-ingest/extract-db");
        try (Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'UTC'");
            s.execute("SET statement_timeout = 0");
        }
        if (singleSnapshot) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
        }
        return c;
    }

    SourceTable describe(TableSpec spec) throws Exception {
        ensureOpen();
        try {
            return SourceTable.describe(connection, spec);
        } catch (SQLException e) {
            throw Failures.fromDatabase("source database", ErrorCode.SOURCE_UNAVAILABLE, e);
        }
    }

    Connection connection() throws Exception {
        ensureOpen();
        return connection;
    }

    CopyManager copyManager() throws Exception {
        return new CopyManager(connection().unwrap(BaseConnection.class));
    }

    /** Drops a connection that failed mid-stream; the next chunk reconnects under a new snapshot. */
    void discard() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // It is broken already.
            }
            connection = null;
        }
    }

    /** Ends the read transaction. */
    void finish() {
        if (connection != null) {
            try {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
            } catch (SQLException ignored) {
                // Read-only: nothing to lose.
            }
        }
    }

    @Override
    public void close() {
        discard();
    }
}
