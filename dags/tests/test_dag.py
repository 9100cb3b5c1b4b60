"""The DAG as the scheduler sees it: imports cleanly, has data intervals, retries, pools and the right tasks."""

import pendulum
import pytest
from airflow.sdk import CronDataIntervalTimetable

from conftest import DAGS

D = pendulum.datetime(2026, 11, 23, tz="UTC")


def test_dag_folder_imports_without_errors_and_holds_only_the_ingest_dag(monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    assert sorted(bag.dags) == ["shopflow_ingest", "shopflow_ingest_initial_load"]
    # .airflowignore keeps the package, the tests and the virtualenv out of parsing.
    assert [s.file for s in bag.dagbag_stats] == ["shopflow_ingest.py"]


def test_timetable_gives_whole_utc_days_as_data_intervals(dag_loader):
    dag = dag_loader()
    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    from airflow.serialization.encoders import coerce_to_core_timetable

    core = coerce_to_core_timetable(dag.timetable)
    assert core.periodic
    # A manual run (and dag.test) at any time on day D lands the last complete day, D-1.
    interval = core.infer_manual_data_interval(run_after=D.add(hours=5))
    assert (interval.start, interval.end) == (D.subtract(days=1), D)
    first = core.next_dagrun_info(last_automated_data_interval=None, restriction=_restriction(dag))
    assert (first.data_interval.start, first.data_interval.end) == (
        pendulum.datetime(2026, 11, 1, tz="UTC"), pendulum.datetime(2026, 11, 2, tz="UTC"))


def _restriction(dag):
    from airflow.timetables.base import TimeRestriction

    return TimeRestriction(earliest=dag.start_date, latest=None, catchup=True)


def test_runs_are_bounded_and_not_caught_up_by_default(dag_loader):
    dag = dag_loader()
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.start_date == pendulum.datetime(2026, 11, 1, tz="UTC")
    assert dag.doc_md and "_DONE" in dag.doc_md


@pytest.mark.parametrize("runner", ["kubernetes", "local"])
def test_every_task_retries_at_least_twice_with_exponential_backoff(dag_loader, runner):
    dag = dag_loader(SHOPFLOW_RUNNER=runner, SHOPFLOW_DB_CHUNKS="orders=4")
    assert dag.tasks
    for t in dag.tasks:
        assert t.retries >= 2, t.task_id
        assert t.retry_exponential_backoff and t.retry_exponential_backoff > 1, t.task_id


def test_tasks_and_pools_by_default(dag_loader):
    dag = dag_loader()
    ids = {t.task_id: t for t in dag.tasks}
    assert set(ids) == {
        "extract_db_customers", "extract_db_orders", "extract_db_order_items",
        "plan_reland_db_customers", "plan_reland_db_orders", "plan_reland_db_order_items",
        "reland_db_customers", "reland_db_orders", "reland_db_order_items",
        "extract_api_products", "land_files_marketplace_orders"}
    assert ids["extract_api_products"].pool == "products_api"
    assert {ids[f"extract_db_{t}"].pool for t in ("customers", "orders", "order_items")} == {"shopflow_source_db"}
    assert ids["reland_db_orders"].upstream_task_ids == {"plan_reland_db_orders"}
    # Waiting for _DONE is done by retries: many, spaced, capped.
    files = ids["land_files_marketplace_orders"]
    assert files.retries >= 12 and files.max_retry_delay.total_seconds() <= 3600


def test_no_lookback_means_no_reland_tasks(dag_loader):
    dag = dag_loader(SHOPFLOW_LOOKBACK_DAYS="0")
    assert not [t for t in dag.task_ids if "reland" in t]


def test_verify_after_reland_is_off_by_default_and_verifies_exactly_the_relanded_partitions(dag_loader):
    assert not [t for t in dag_loader().task_ids if "verify" in t]
    dag = dag_loader(SHOPFLOW_VERIFY_RELAND="true", SHOPFLOW_DB_CHUNKS="orders=2")
    verify = dag.get_task("verify_db_orders")
    assert verify.upstream_task_ids == {"plan_verify_db_orders", "reland_db_orders"}
    assert verify.pool == "shopflow_source_db"
    args = dag.get_task("plan_verify_db_orders").python_callable(data_interval_start=D, data_interval_end=D.add(days=1))
    reland = dag.get_task("plan_reland_db_orders").python_callable(data_interval_start=D, data_interval_end=D.add(days=1))
    assert args == [["verify", *a] for a in reland] and len(args) == 2
    assert not [t for t in dag_loader(SHOPFLOW_VERIFY_RELAND="true", SHOPFLOW_LOOKBACK_DAYS="0").task_ids if "verify" in t]


def test_chunked_table_is_mapped_over_concrete_arguments(dag_loader):
    dag = dag_loader(SHOPFLOW_DB_CHUNKS="orders=4", SHOPFLOW_LOOKBACK_DAYS="1")
    mapped = dag.get_task("extract_db_orders")
    assert mapped.upstream_task_ids == {"plan_extract_db_orders"}
    plan = dag.get_task("plan_extract_db_orders").python_callable
    args = plan(data_interval_start=D, data_interval_end=D.add(days=1))
    assert args == [
        ["--table", "orders", "--start", "2026-11-23T00:00:00+00:00", "--end", "2026-11-23T06:00:00+00:00"],
        ["--table", "orders", "--start", "2026-11-23T06:00:00+00:00", "--end", "2026-11-23T12:00:00+00:00"],
        ["--table", "orders", "--start", "2026-11-23T12:00:00+00:00", "--end", "2026-11-23T18:00:00+00:00"],
        ["--table", "orders", "--start", "2026-11-23T18:00:00+00:00", "--end", "2026-11-24T00:00:00+00:00"],
    ]
    assert not any("{{" in a for chunk in args for a in chunk)
    # The re-landed day is chunked the same way, so it replaces exactly the partitions it landed before.
    reland = dag.get_task("plan_reland_db_orders").python_callable(data_interval_start=D, data_interval_end=D.add(days=1))
    assert [a[3] for a in reland] == ["2026-11-22T00:00:00+00:00", "2026-11-22T06:00:00+00:00",
                                      "2026-11-22T12:00:00+00:00", "2026-11-22T18:00:00+00:00"]
    assert reland[-1][5] == "2026-11-23T00:00:00+00:00"
    # Unchunked tables keep one templated task.
    assert dag.get_task("extract_db_customers").arguments[3] == "{{ data_interval_start | ts }}"


def test_reland_plan_covers_the_lookback(dag_loader):
    dag = dag_loader(SHOPFLOW_LOOKBACK_DAYS="2")
    args = dag.get_task("plan_reland_db_customers").python_callable(data_interval_start=D, data_interval_end=D.add(days=1))
    assert args == [
        ["--table", "customers", "--start", "2026-11-22T00:00:00+00:00", "--end", "2026-11-23T00:00:00+00:00"],
        ["--table", "customers", "--start", "2026-11-21T00:00:00+00:00", "--end", "2026-11-22T00:00:00+00:00"],
    ]


def test_plan_refuses_a_run_without_data_interval(dag_loader):
    from airflow.sdk.exceptions import AirflowFailException

    dag = dag_loader()
    with pytest.raises(AirflowFailException, match="no data interval"):
        dag.get_task("plan_reland_db_orders").python_callable(data_interval_start=None, data_interval_end=None)


def test_a_bad_setting_is_an_import_error_naming_the_variable(monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("SHOPFLOW_IMAGE_EXTRACT_DB", "ghcr.io/shopflow/extract-db:latest")
    bag = DagBag(dag_folder=str(DAGS))
    assert "shopflow_ingest" not in bag.dags
    [error] = bag.import_errors.values()
    assert "SHOPFLOW_IMAGE_EXTRACT_DB" in error


def test_pools_json_declares_every_pool_the_dag_uses(dag_loader):
    """A task in a pool that does not exist is never scheduled (the scheduler only logs it): the deployment
    imports pools.json (`airflow pools import dags/pools.json`), so it must list every pool."""
    import json

    pools = json.loads((DAGS / "pools.json").read_text())
    dag = dag_loader(SHOPFLOW_DB_CHUNKS="orders=2")
    used = {t.pool for t in dag.tasks} - {"default_pool"}
    assert used == {"products_api", "shopflow_source_db"}
    assert used <= set(pools)
    assert pools["products_api"]["slots"] == 1


def test_first_run_relands_nothing_before_the_start_date(dag_loader):
    dag = dag_loader(SHOPFLOW_START_DATE="2026-11-23", SHOPFLOW_LOOKBACK_DAYS="2")
    plan = dag.get_task("plan_reland_db_orders").python_callable
    assert plan(data_interval_start=D, data_interval_end=D.add(days=1)) == []
    assert [a[3] for a in plan(data_interval_start=D.add(days=1), data_interval_end=D.add(days=2))] == [
        "2026-11-23T00:00:00+00:00"]


def test_the_initial_load_lands_a_history_range_in_one_task_per_source(monkeypatch):
    """A first load is one process per source landing every daily partition of the range (--every), not one DAG run and
    one pod per day and source."""
    from conftest import load_initial_load_dag

    dag = load_initial_load_dag(monkeypatch)
    assert type(dag.timetable).__name__ == "NullTimetable", "triggered by hand only"
    assert dag.catchup is False and dag.max_active_runs == 1
    ids = {t.task_id: t for t in dag.tasks}
    assert set(ids) == {"extract_db_customers", "extract_db_orders", "extract_db_order_items", "land_files_marketplace_orders"}
    assert ids["extract_db_orders"].arguments == ["--table", "orders", "--start", "{{ params.start }}", "--end", "{{ params.end }}",
                                                  "--every", "{{ params.every }}"]
    assert ids["land_files_marketplace_orders"].arguments[:2] == ["--feed", "marketplace_orders"]
    assert ids["extract_db_orders"].pool == "shopflow_source_db"
    assert ids["extract_db_orders"].execution_timeout.total_seconds() == 24 * 3600
    for t in dag.tasks:
        assert t.retries >= 2, t.task_id
    # The daily DAG takes over where the load ends; the partitions are the daily DAG's.
    assert dag.params["end"] == "2026-11-01T00:00:00+00:00"
    assert dag.params["every"] == "P1D"
    assert "skipped" in dag.doc_md


@pytest.mark.parametrize("runner", ["kubernetes", "local"])
def test_the_initial_load_renders_its_range_from_the_run_params_and_passes_the_run_id(monkeypatch, runner):
    from types import SimpleNamespace

    from conftest import load_initial_load_dag

    dag = load_initial_load_dag(monkeypatch, SHOPFLOW_RUNNER=runner)
    t = dag.get_task("extract_db_orders")
    t.render_template_fields({"params": {"start": "2024-01-01T00:00:00+00:00", "end": "2026-01-01T00:00:00+00:00", "every": "P1D"},
                              "run_id": "manual__2026-12-02", "ti": SimpleNamespace(try_number=2), "dag": dag, "task": t})
    assert t.arguments == ["--table", "orders", "--start", "2024-01-01T00:00:00+00:00", "--end", "2026-01-01T00:00:00+00:00",
                           "--every", "P1D"]
    # A retry passes the same run id: the task skips the partitions that run already published.
    env = t.env_vars if isinstance(t.env_vars, dict) else {e.name: e.value for e in t.env_vars}
    assert env["AIRFLOW_CTX_DAG_RUN_ID"] == "manual__2026-12-02"
