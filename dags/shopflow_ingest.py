"""
### ShopFlow ingest: land each daily data interval of every ShopFlow source in the warehouse

One run lands the partition `[data_interval_start, data_interval_end)` of each source in `raw.*`:

| task | command (image ENTRYPOINT or `java -jar`) | pool |
|---|---|---|
| `extract_db_<table>` | `extract-db --table <table> --start {{ data_interval_start \\| ts }} --end {{ data_interval_end \\| ts }}` | `shopflow_source_db` |
| `reland_db_<table>` | the same for the trailing interval(s), one mapped task each (late commits) | `shopflow_source_db` |
| `extract_api_products` | `extract-api --resource products ...` | `products_api` (1 slot) |
| `land_files_marketplace_orders` | `land-files --feed marketplace_orders ...` | `default_pool` |

**Schedule.** `CronDataIntervalTimetable` (a plain cron string gives no data interval in Airflow 3), daily at
00:00 UTC, so every interval is one whole UTC day: what the file feed's date folders need.

**Idempotent by design.** Every task replaces exactly its partition, atomically, so any interval can be
re-run: clear it in the UI, or `airflow backfill create --dag-id shopflow_ingest --from-date ... --to-date ...
--reprocess-behavior completed --max-active-runs 2`. Load on the sources stays bounded whatever the backfill:
`max_active_runs`, the pools (`shopflow_source_db`, `products_api`) and `max_active_tis_per_dagrun` on mapped
chunks cap concurrent connections and API calls.

**Re-land a chosen day.** Trigger → Single run → *Data Interval: Specify Manually*, Start and End one
whole UTC day apart at midnight (keep the logical date the form suggests): the run lands exactly that day.
Trigger → Backfill lands every day from its start to its end date, both included (the DAG must be unpaused).
A cleared task or run lands its run's interval again. Any other interval fails at once, without retries.

**Late commits.** A source row may commit after its interval was landed (a long transaction keeps its old
`updated_at`). Each run therefore also re-lands the trailing interval(s) covering `SHOPFLOW_LOOKBACK_DAYS`
(default 1: yesterday's interval) with the same chunking; the replace is idempotent, so a row committed
up to one interval late is in the warehouse after the next run.

**Verification (optional).** `SHOPFLOW_VERIFY_RELAND=true` adds `verify_db_<table>` after each re-land: it compares
the re-landed partition(s) with the source (`extract-db verify`, counts and checksums computed by each database) and
fails with exit 3, not retried, naming the keys that differ. The trailing day is settled by then, so a difference
is a real one rather than a row still being written.

**Scale-out.** `SHOPFLOW_DB_CHUNKS=orders=4` splits each `orders` interval into 4 sub-intervals, each its own
partition and pod. The concrete `--start/--end` values are computed by
upstream `plan_extract_db_<table>` and `plan_reland_db_<table>` tasks, since
mapped XCom arguments are not templated.

**Waiting for `_DONE`.** `land-files` exits 1 at once, without landing, while the day's `_DONE` marker is
missing. The DAG waits by retrying it (`SHOPFLOW_FILES_RETRIES`, default 16 retries starting at 15 min,
doubling up to 1 h: about 15 hours) rather than with a sensor: a task waiting for a retry holds no worker
slot and no pool slot, the check is done by the task that reads the drop (the Airflow workers do not mount
it), and it needs no triggerer.

**Exit codes.** 0 landed; 1 transient (retried); 2 usage/config/auth, 3 data error beyond tolerance and 4 schema
refused fail at once without retries (`shopflow/exit_codes.json`, generated from the tasks' error codes;
`SHOPFLOW_FAIL_FAST_EXIT_CODES` overrides). After a corrected file arrives, clear the task.
The task's JSON summary is the task's XCom.

**Runners.** `SHOPFLOW_RUNNER=kubernetes` (default) runs each task as a pod; `SHOPFLOW_RUNNER=local` runs the
very same command line with `java -jar tasks/<module>/target/quarkus-app/quarkus-run.jar`, taking the
secret-backed variables from the local environment (for `airflow dags test` and development).
Configuration: `dags/README.md`.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from airflow.sdk import DAG, CronDataIntervalTimetable, Param
from airflow.sdk.exceptions import AirflowFailException

from shopflow import intervals
from shopflow.catalog import EXTRACT_API, EXTRACT_DB, LAND_FILES, launch, range_arguments
from shopflow.config import Settings
from shopflow.factory import OperatorFactory
from shopflow.plan import PlanOperator

settings = Settings.from_env()
factory = OperatorFactory(settings)
relanding = settings.lookback_days > 0
DEFAULT_ARGS = {
    "owner": "shopflow-data",
    "retries": settings.retries.retries,
    "retry_delay": settings.retries.delay,
    "retry_exponential_backoff": settings.retries.backoff,
    "max_retry_delay": settings.retries.max_delay,
}


def plan(table: str, family: str):
    """An upstream task that computes the concrete argument lists of one mapped extract-db family."""

    def planned(data_interval_start=None, data_interval_end=None) -> list[list[str]]:
        try:
            intervals.check_run_interval(data_interval_start, data_interval_end, settings.schedule)
        except ValueError as wrong:
            raise AirflowFailException(str(wrong)) from None
        parts = settings.chunks(table)
        if family == "extract_db":
            windows = [(data_interval_start, data_interval_end)]
        else:
            # Never before the DAG's start: the first run re-lands nothing (its mapped task is then skipped).
            windows = [(a, b) for a, b in intervals.trailing(data_interval_start, data_interval_end,
                                                             timedelta(days=settings.lookback_days))
                       if a >= settings.start_date]
        arguments = intervals.arguments("--table", table, [c for a, b in windows for c in intervals.split(a, b, parts)])
        return [["verify", *a] for a in arguments] if family == "verify_db" else arguments

    return PlanOperator(task_id=f"plan_{family}_{table}", python_callable=planned, retries=settings.retries.retries,
                        retry_delay=settings.retries.delay,
                        doc_md=f"Concrete `--table {table} --start/--end` argument lists for `{family}_{table}`.").output


with DAG(
    dag_id=settings.dag_id,
    description="Lands each daily interval of the ShopFlow database, products API and partner files in raw.*",
    schedule=CronDataIntervalTimetable(settings.schedule, timezone="UTC"),
    start_date=settings.start_date,
    catchup=settings.catchup,
    max_active_runs=settings.max_active_runs,
    default_args=DEFAULT_ARGS,
    tags=["shopflow", "ingest", settings.runner],
    doc_md=__doc__,
) as dag:
    for table in settings.db_tables:
        task_id = f"extract_db_{table}"
        if settings.chunks(table) == 1:
            factory.single(launch(settings, EXTRACT_DB, table, task_id, mapped=False,
                                  doc=f"Lands this run's interval of source table `{table}` in `raw.{table}`."))
        else:
            factory.partial(launch(settings, EXTRACT_DB, table, task_id, mapped=True,
                                   doc=f"Lands `{table}` in {settings.chunks(table)} sub-interval partitions.")
                            ).expand(arguments=plan(table, "extract_db"))
        if relanding:
            reland_id = f"reland_db_{table}"
            reland = factory.partial(launch(settings, EXTRACT_DB, table, reland_id, mapped=True,
                                            doc=f"Re-lands the trailing interval(s) of `{table}` so late commits arrive.")
                                     ).expand(arguments=plan(table, "reland_db"))
            if settings.verify_reland:
                reland >> factory.partial(launch(settings, EXTRACT_DB, table, f"verify_db_{table}", mapped=True,
                                                 doc=f"Compares the re-landed partition(s) of `{table}` with the source "
                                                     "(`extract-db verify`); exit 3 names the keys that differ.")
                                          ).expand(arguments=plan(table, "verify_db"))

    factory.single(launch(settings, EXTRACT_API, "products", "extract_api_products", mapped=False,
                          doc="Lands the products updated in this interval from the catalog API (rate-limited pool)."))
    factory.single(launch(settings, LAND_FILES, "marketplace_orders", "land_files_marketplace_orders", mapped=False,
                          doc="Lands the partner's date folders of this interval; retries until `_DONE` is there."))


INITIAL_LOAD_DOC = """
### ShopFlow initial load: a whole history range in one process per source

Trigger it once, by hand, before the daily DAG takes over (its `end` param defaults to the daily DAG's start date).
Each task is one process (one pod) that lands every partition of `[start, end)` in turn, `--every` long (default
`P1D`: the daily DAG's partitions), each with all its guarantees: its own lock, ledger row, checkpoint and atomic
publish, identical to what the daily DAG's run of that day lands. Two years of five sources is then five pods,
not thousands.

| task | command |
|---|---|
| `extract_db_<table>` | `extract-db --table <table> --start {{ params.start }} --end {{ params.end }} --every {{ params.every }}` |
| `land_files_marketplace_orders` | `land-files --feed marketplace_orders ...` (the same flags: one partition per feed-day) |

extract-api has no range mode (its cursor walk and the shared request budget make a range no cheaper): the daily
DAG's backfill lands its days.

**Retries.** A retry (Airflow's, after a kill or a failure) runs the same range with the same `--run-id` (the DAG
run's id): the partitions that run already published are skipped and listed as `skipped`; the partition being
landed at the kill resumes from its checkpoint; the rest are landed. A new DAG run lands every partition again
(identically, where the source did not change).
"""

with DAG(
    dag_id=f"{settings.dag_id}_initial_load",
    description="Lands a history range of every ShopFlow source as daily partitions, one process per source (--every)",
    schedule=None,
    start_date=settings.start_date,
    catchup=False,
    max_active_runs=1,
    params={
        "start": Param(type="string", description="First instant of the range, ISO-8601 with offset, e.g. 2024-01-01T00:00:00+00:00"),
        "end": Param(intervals.ts(settings.start_date), type="string",
                     description="End of the range, exclusive (default: the daily DAG's start date, where it takes over)"),
        "every": Param("P1D", type="string", description="Length of each partition, ISO-8601 (P1D: the daily DAG's partitions)"),
    },
    default_args=DEFAULT_ARGS,
    tags=["shopflow", "ingest", "initial-load", settings.runner],
    doc_md=INITIAL_LOAD_DOC,
) as initial_load:
    for table in settings.db_tables:
        factory.single(dataclasses.replace(
            launch(settings, EXTRACT_DB, table, f"extract_db_{table}", mapped=False,
                   doc=f"Lands `[start, end)` of source table `{table}` as `every`-long partitions of `raw.{table}`."),
            arguments=range_arguments(EXTRACT_DB, table), timeout=settings.initial_load_timeout, one_interval=False))
    factory.single(dataclasses.replace(
        launch(settings, LAND_FILES, "marketplace_orders", "land_files_marketplace_orders", mapped=False,
               doc="Lands every feed-day of `[start, end)` of the partner's drop, one partition per day."),
        arguments=range_arguments(LAND_FILES, "marketplace_orders"), timeout=settings.initial_load_timeout,
        one_interval=False))
