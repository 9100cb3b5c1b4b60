package com.shopflow.ingest.core.landing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The warehouse objects the tasks own besides the raw tables: schema {@code _ingest} (load ledger,
 * checkpoints, schema history, partition index, file ledger, quarantine) and schema
 * {@code raw_partitions}, where each partition of a raw table lives as its own table. Created on first
 * use, idempotently, under a transaction-level advisory lock so concurrent first runs do not race.
 */
public final class Catalog {
    public static final String RAW = "raw";
    public static final String PARTITIONS = "raw_partitions";
    public static final String INGEST = "_ingest";
    /** Bumped when the DDL below changes; recorded in _ingest.catalog_version. */
    public static final int VERSION = 1;
    private static final long BOOTSTRAP_LOCK = 0x5f696e6765737431L; // "_ingest1"

    private static final String[] DDL = {
        "CREATE SCHEMA IF NOT EXISTS raw",
        "CREATE SCHEMA IF NOT EXISTS raw_partitions",
        "CREATE SCHEMA IF NOT EXISTS _ingest",
        "CREATE TABLE IF NOT EXISTS _ingest.catalog_version (version int PRIMARY KEY, installed_at timestamptz NOT NULL DEFAULT now())",
        // One row per attempt of a task run: the only place for wall-clock times and attempt numbers.
        """
        CREATE TABLE IF NOT EXISTS _ingest.load_run (
          run_id uuid PRIMARY KEY,
          task text NOT NULL,
          target text NOT NULL,
          interval_start timestamptz NOT NULL,
          interval_end timestamptz NOT NULL,
          attempt int NOT NULL,
          orchestrator_run_id text,
          host text,
          status text NOT NULL CHECK (status IN ('running','succeeded','failed')),
          started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
          heartbeat_at timestamptz NOT NULL DEFAULT clock_timestamp(),
          ended_at timestamptz,
          rows_landed bigint,
          rows_read bigint NOT NULL DEFAULT 0,
          rows_resumed bigint NOT NULL DEFAULT 0,
          rows_reread bigint NOT NULL DEFAULT 0,
          rows_quarantined bigint NOT NULL DEFAULT 0,
          duplicates_removed bigint NOT NULL DEFAULT 0,
          source_watermark text,
          schema_version int,
          requests int,
          error_code text,
          error text
        )""",
        "CREATE INDEX IF NOT EXISTS load_run_partition ON _ingest.load_run (target, interval_start, interval_end, started_at)",
        // The durable progress of an unpublished partition: committed in the same transaction as the staged rows.
        """
        CREATE TABLE IF NOT EXISTS _ingest.checkpoint (
          target text NOT NULL,
          interval_start timestamptz NOT NULL,
          interval_end timestamptz NOT NULL,
          staging_table text NOT NULL,
          fingerprint text NOT NULL,
          position jsonb,
          rows_staged bigint NOT NULL DEFAULT 0,
          chunks int NOT NULL DEFAULT 0,
          snapshots int NOT NULL DEFAULT 1,
          updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
          PRIMARY KEY (target, interval_start, interval_end)
        )""",
        // What is published: one row per partition of each raw table.
        """
        CREATE TABLE IF NOT EXISTS _ingest.partition (
          target text NOT NULL,
          interval_start timestamptz NOT NULL,
          interval_end timestamptz NOT NULL,
          partition_table text NOT NULL,
          rows bigint NOT NULL,
          run_id uuid NOT NULL,
          schema_version int NOT NULL,
          source_watermark text,
          published_at timestamptz NOT NULL,
          PRIMARY KEY (target, interval_start, interval_end)
        )""",
        """
        CREATE TABLE IF NOT EXISTS _ingest.schema_history (
          target text NOT NULL,
          version int NOT NULL,
          change text NOT NULL,
          column_name text,
          column_type text,
          previous_type text,
          run_id uuid,
          changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
          PRIMARY KEY (target, version, change, column_name)
        )""",
        // Files landed by land-files, replaced with their partition.
        """
        CREATE TABLE IF NOT EXISTS _ingest.file_ledger (
          target text NOT NULL,
          interval_start timestamptz NOT NULL,
          interval_end timestamptz NOT NULL,
          file text NOT NULL,
          size_bytes bigint NOT NULL,
          sha256 text NOT NULL,
          rows_good bigint NOT NULL,
          rows_bad bigint NOT NULL,
          run_id uuid NOT NULL,
          landed_at timestamptz NOT NULL,
          PRIMARY KEY (target, interval_start, interval_end, file)
        )""",
        // Input that could not be landed, kept for an operator; replaced with its partition.
        """
        CREATE TABLE IF NOT EXISTS _ingest.quarantine (
          target text NOT NULL,
          interval_start timestamptz NOT NULL,
          interval_end timestamptz NOT NULL,
          source text NOT NULL,
          line bigint,
          reason text NOT NULL,
          raw text,
          run_id uuid NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS quarantine_partition ON _ingest.quarantine (target, interval_start, interval_end)",
        // Requests made against a shared API budget (extract-api), across pods.
        """
        CREATE TABLE IF NOT EXISTS _ingest.api_request (
          budget text NOT NULL,
          at timestamptz NOT NULL DEFAULT clock_timestamp()
        )""",
        "CREATE INDEX IF NOT EXISTS api_request_budget ON _ingest.api_request (budget, at)",
        "INSERT INTO _ingest.catalog_version (version) VALUES (" + VERSION + ") ON CONFLICT DO NOTHING",
    };

    private Catalog() {
    }

    /** Creates what is missing. Cheap when everything exists (one round trip per statement, no locks held long). */
    public static void ensure(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + BOOTSTRAP_LOCK + ")");
            if (installed(s)) {
                c.commit();
                return;
            }
            for (String ddl : DDL) {
                s.execute(ddl);
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static boolean installed(Statement s) throws SQLException {
        try (var rs = s.executeQuery("SELECT to_regclass('_ingest.catalog_version') IS NOT NULL "
                + "AND EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'raw_partitions')")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return false;
            }
        }
        try (var rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM _ingest.catalog_version")) {
            rs.next();
            return rs.getInt(1) >= VERSION;
        }
    }
}
