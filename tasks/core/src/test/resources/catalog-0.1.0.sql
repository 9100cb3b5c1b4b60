-- Test fixture: the _ingest schema as release 0.1.0 created it (Catalog.DDL at commit 90cbc53, copied verbatim),
-- plus land-files' pending quarantine as PendingQuarantine.ensure created it then. Never change it.

CREATE SCHEMA IF NOT EXISTS raw;

CREATE SCHEMA IF NOT EXISTS raw_partitions;

CREATE SCHEMA IF NOT EXISTS _ingest;

CREATE TABLE IF NOT EXISTS _ingest.catalog_version (version int PRIMARY KEY, installed_at timestamptz NOT NULL DEFAULT now());

-- One row per attempt of a task run: the only place for wall-clock times and attempt numbers.
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
);

CREATE INDEX IF NOT EXISTS load_run_partition ON _ingest.load_run (target, interval_start, interval_end, started_at);

-- The durable progress of an unpublished partition: committed in the same transaction as the staged rows.
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
);

-- What is published: one row per partition of each raw table.
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
);

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
);

-- Files landed by land-files, replaced with their partition.
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
);

-- Input that could not be landed, kept for an operator; replaced with its partition.
CREATE TABLE IF NOT EXISTS _ingest.quarantine (
  target text NOT NULL,
  interval_start timestamptz NOT NULL,
  interval_end timestamptz NOT NULL,
  source text NOT NULL,
  line bigint,
  reason text NOT NULL,
  raw text,
  run_id uuid NOT NULL
);

CREATE INDEX IF NOT EXISTS quarantine_partition ON _ingest.quarantine (target, interval_start, interval_end);

-- Requests made against a shared API budget (extract-api), across pods.
CREATE TABLE IF NOT EXISTS _ingest.api_request (
  budget text NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX IF NOT EXISTS api_request_budget ON _ingest.api_request (budget, at);

INSERT INTO _ingest.catalog_version (version) VALUES (1) ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS _ingest.file_quarantine_pending (
  target text NOT NULL,
  interval_start timestamptz NOT NULL,
  interval_end timestamptz NOT NULL,
  chunk int NOT NULL,
  source text NOT NULL,
  line bigint,
  reason text NOT NULL,
  raw text
);

CREATE INDEX IF NOT EXISTS file_quarantine_pending_partition ON _ingest.file_quarantine_pending (target, interval_start, interval_end, chunk);
