-- The quarantine of unpublished partitions, per chunk, of land-files and extract-api. Until 0.1.0 each task created
-- its own table when it first ran, so a 0.1.0 warehouse may already have one or both, as defined here.
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

CREATE INDEX IF NOT EXISTS file_quarantine_pending_partition ON _ingest.file_quarantine_pending
  (target, interval_start, interval_end, chunk);

CREATE TABLE IF NOT EXISTS _ingest.api_quarantine_pending (
  target text NOT NULL,
  interval_start timestamptz NOT NULL,
  interval_end timestamptz NOT NULL,
  chunk int NOT NULL,
  source text NOT NULL,
  line bigint,
  reason text NOT NULL,
  raw text
);

CREATE INDEX IF NOT EXISTS api_quarantine_pending_partition ON _ingest.api_quarantine_pending
  (target, interval_start, interval_end, chunk);
