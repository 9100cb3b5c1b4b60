"""The benchmark's dlt runs (tasks/benchmark, PeerBenchmark.java): one workload per call, configured by environment.

  dlt_load.py orders  BENCH_SOURCE_URL (postgresql://...) -> table orders of [BENCH_START, BENCH_END) into BENCH_WAREHOUSE_URL
  dlt_load.py csv     BENCH_CSV (one CSV file) -> BENCH_WAREHOUSE_URL, every column as text

Both use dlt's fast documented path: Arrow tables (sql_database backend "pyarrow"; pandas chunks for the CSV),
extract and normalize through local files under BENCH_DLT_DIR, then the "csv" loader file format, which the
postgres destination loads with COPY. The table is replaced on each run. Prints one line with the seconds of
dlt's steps: "steps=extract:<s>,normalize:<s>,load:<s>".
"""
import csv as csv_module
import os
import sys

import dlt
import sqlalchemy as sa
from dlt.sources.filesystem import filesystem, read_csv
from dlt.sources.sql_database import sql_table


def orders():
    start, end = os.environ["BENCH_START"], os.environ["BENCH_END"]

    def interval(query, table):
        # The same rows as extract-db and the psql baseline: updated_at in [start, end).
        return query.where(table.c.updated_at >= sa.literal(start)).where(table.c.updated_at < sa.literal(end))

    return sql_table(credentials=os.environ["BENCH_SOURCE_URL"], table="orders", backend="pyarrow",
                     query_adapter_callback=interval, write_disposition="replace")


def csv():
    path = os.path.abspath(os.environ["BENCH_CSV"])
    files = filesystem(bucket_url="file://" + os.path.dirname(path), file_glob=os.path.basename(path))
    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv_module.reader(f))
    # dtype=str, no NA parsing and text hints (dlt would otherwise detect timestamps in strings): values land as
    # text exactly as written, like land-files and psql's \copy.
    rows = files | read_csv(chunksize=100_000, dtype=str, keep_default_na=False, na_filter=False)
    return rows.with_name("marketplace_orders").apply_hints(
        write_disposition="replace", columns=[{"name": c, "data_type": "text"} for c in header])


def main(kind):
    pipeline = dlt.pipeline(pipeline_name="bench_" + kind, pipelines_dir=os.environ["BENCH_DLT_DIR"],
                            destination=dlt.destinations.postgres(os.environ["BENCH_WAREHOUSE_URL"]),
                            dataset_name="dlt_" + kind)
    info = pipeline.run(orders() if kind == "orders" else csv(), loader_file_format="csv")
    info.raise_on_failed_jobs()
    # The caller counts the landed rows itself; dlt's own counts are per step and not always per row.
    print("steps=" + ",".join(f"{s.step}:{(s.finished_at - s.started_at).total_seconds():.2f}"
                              for s in pipeline.last_trace.steps if s.step != "run"))


if __name__ == "__main__":
    main(sys.argv[1])
