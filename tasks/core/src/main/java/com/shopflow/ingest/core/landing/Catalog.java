package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.config.DbSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The warehouse objects the tasks own besides the raw tables: schema {@code _ingest} (load ledger,
 * checkpoints, schema history, partition index, file ledger, quarantine) and schema
 * {@code raw_partitions}, where each partition of a raw table lives as its own table. Their DDL is the
 * versioned migrations under {@code db/ingest/} of this module, applied by Flyway ({@link Migrations}), whose
 * history is {@code _ingest.flyway_schema_history}.
 */
public final class Catalog {
    public static final String RAW = "raw";
    public static final String PARTITIONS = "raw_partitions";
    public static final String INGEST = "_ingest";
    /**
     * Memory for the sorts, hashes and index builds of one publish (duplicate search, the staging table's indexes,
     * raw_current's upkeep), set for that transaction only: with the server's default 4 MB they spill to disk many times over.
     */
    public static final String PUBLISH_WORK_MEM = "256MB";
    /** The migrations this build ships, in order; a test checks this list against the resource folder. */
    static final List<String> MIGRATIONS = List.of("V1__baseline.sql", "V2__pending_quarantine.sql", "V3__verification.sql");
    /** The schema version this build needs: the number of the last of {@link #MIGRATIONS} (numbers may have gaps). */
    public static final int VERSION = Integer.parseInt(MIGRATIONS.get(MIGRATIONS.size() - 1).replaceAll("^V(\\d+)__.*", "$1"));
    static final String HISTORY = "flyway_schema_history";

    private Catalog() {
    }

    /**
     * Brings the bookkeeping schema up to {@link #VERSION}. One or two queries on {@code c} when it already is (the
     * usual case); otherwise Flyway migrates on a connection of its own, under its advisory lock, so concurrent first
     * runs wait for one another. A warehouse newer than this build is left alone.
     */
    public static void ensure(DbSettings warehouse, Connection c) throws SQLException {
        State state = state(c);
        if (state.current()) {
            return;
        }
        Migrations.migrate(warehouse, state);
    }

    /** The schema version of the warehouse: Flyway's, 1 for a 0.1.0 warehouse not yet migrated, 0 for none. */
    public static int installedVersion(Connection c) throws SQLException {
        return state(c).version();
    }

    /**
     * What is there: Flyway's history (and the highest version it applied), or the 0.1.0 marker table
     * {@code _ingest.catalog_version} without it, or some other content of {@code _ingest}.
     */
    record State(boolean history, int version, boolean legacy, boolean foreign) {
        boolean current() {
            return history && version >= VERSION;
        }
    }

    static State state(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            boolean history;
            boolean legacy;
            boolean tables;
            try (ResultSet rs = s.executeQuery("SELECT to_regclass('_ingest." + HISTORY + "') IS NOT NULL, "
                    + "to_regclass('_ingest.catalog_version') IS NOT NULL, "
                    + "EXISTS (SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE n.nspname = '_ingest')")) {
                rs.next();
                history = rs.getBoolean(1);
                legacy = rs.getBoolean(2);
                tables = rs.getBoolean(3);
            }
            int version = 0;
            if (history) {
                // Rows of versioned migrations and the baseline; Flyway's own schema-creation row has no number to count.
                try (PreparedStatement q = c.prepareStatement("SELECT coalesce(max(version::int), 0) FROM _ingest." + HISTORY
                        + " WHERE success AND version ~ '^[0-9]+$'"); ResultSet rs = q.executeQuery()) {
                    rs.next();
                    version = rs.getInt(1);
                }
            } else if (legacy) {
                try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM _ingest.catalog_version")) {
                    rs.next();
                    version = rs.getInt(1);
                }
            }
            c.commit();
            return new State(history, version, legacy, tables && !history && !legacy);
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
