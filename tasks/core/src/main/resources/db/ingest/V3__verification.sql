-- Issue 18. One row per run of `verify`: when a partition was last compared with its source, how, and what differed.
CREATE TABLE IF NOT EXISTS _ingest.verification (
  verification_id uuid PRIMARY KEY,
  task text NOT NULL,
  target text NOT NULL,
  interval_start timestamptz NOT NULL,
  interval_end timestamptz NOT NULL,
  verified_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  outcome text NOT NULL CHECK (outcome IN ('equal', 'different')),
  -- How: e.g. 'count+checksum of 12 columns, bisect on id'; the run of the partition compared.
  method text NOT NULL,
  partition_run_id uuid,
  orchestrator_run_id text,
  source_rows bigint NOT NULL,
  landed_rows bigint NOT NULL,
  missing int NOT NULL DEFAULT 0,
  extra int NOT NULL DEFAULT 0,
  different int NOT NULL DEFAULT 0,
  columns_not_compared text[] NOT NULL DEFAULT '{}',
  duration_ms bigint NOT NULL,
  report jsonb NOT NULL
);

CREATE INDEX IF NOT EXISTS verification_partition ON _ingest.verification (target, interval_start, interval_end, verified_at);

-- The current-state tables raw_current.<table> (one row per key, the latest version across partitions: greatest cursor,
-- then interval end, then interval start): each table's key and cursor, so the rebuild command and every publish use one rule.
CREATE SCHEMA IF NOT EXISTS raw_current;

CREATE TABLE IF NOT EXISTS _ingest.current_table (
  target text PRIMARY KEY,
  key_column text NOT NULL,
  -- The cursor column (latest wins), or NULL when the table has none (the interval end decides).
  cursor_column text,
  rebuilt_at timestamptz
);
