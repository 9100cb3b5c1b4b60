"""One real ``dag.test()`` of the whole DAG through the local runner, twice for the same interval.

The second run must leave the warehouse exactly as the first left it: every raw table's rows and content
checksum (metadata columns included) unchanged. The DAG writes into a warehouse database of its own.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import pendulum
import pytest

import sources
from conftest import REPO, SEED_FIRST_DAY, load_dag

D = pendulum.parse(SEED_FIRST_DAY).add(days=3)
WAREHOUSE_DB = "warehouse_dagtest"


@pytest.fixture(scope="module")
def metadata_db():
    r = subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]


def optional(request, fixture: str):
    """The fixture's value, or None with the reason it is not available (the DAG task is then marked success)."""
    try:
        return request.getfixturevalue(fixture), None
    except pytest.skip.Exception as skipped:
        return None, str(skipped)


def fresh_warehouse(pg) -> str:
    with pg.connect(pg.warehouse_url) as conn:
        conn.execute(f'drop database if exists "{WAREHOUSE_DB}" with (force)')
        conn.execute(f'create database "{WAREHOUSE_DB}"')
    return pg.warehouse_url.rsplit("/", 1)[0] + "/" + WAREHOUSE_DB


def test_dag_test_lands_one_interval_and_a_rerun_changes_nothing(request, monkeypatch, metadata_db, shop):
    drop, no_drop = optional(request, "file_drop")
    api, no_api = optional(request, "products_api")
    skipped = []
    if no_drop:
        skipped.append("land_files_marketplace_orders")
    if no_api:
        skipped.append("extract_api_products")
    for module, task_id in (("land-files", "land_files_marketplace_orders"), ("extract-api", "extract_api_products")):
        try:
            sources.jar(module)
        except pytest.skip.Exception:
            skipped.append(task_id)
    if skipped:
        warnings.warn(f"dag.test marks {sorted(set(skipped))} as success without running them: {no_drop or ''} {no_api or ''}")

    warehouse_url = fresh_warehouse(shop)
    env = {**shop.contract_env(), "WAREHOUSE_DB_URL": warehouse_url}
    if drop:
        env["FILE_DROP_DIR"] = str(drop)
    if api:
        env["PRODUCTS_API_URL"], env["PRODUCTS_API_TOKEN"] = api
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    # Fast failures: a test must not sit through production retry delays (15 min for the file feed).
    dag = load_dag(monkeypatch, SHOPFLOW_RUNNER="local", SHOPFLOW_LOCAL_REPO=str(REPO), SHOPFLOW_LOCAL_JAVA=sources.java(),
                   SHOPFLOW_RETRIES="2", SHOPFLOW_RETRIES_DELAY_SECONDS="1", SHOPFLOW_FILES_RETRIES="2",
                   SHOPFLOW_FILES_RETRIES_DELAY_SECONDS="1", SHOPFLOW_EXECUTION_TIMEOUT_SECONDS="300")
    # load_dag set sentinel secrets; the real ones must win for this run.
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    pattern = "|".join(sorted(set(skipped))) or None
    # A manual run on day D+1 lands the last complete day: [D, D+1).
    logical_date = D.add(days=1)

    first = dag.test(logical_date=logical_date, mark_success_pattern=pattern)
    assert_run_succeeded(first)
    summary = xcom(first, "extract_db_orders")
    assert summary["outcome"] == "landed" and summary["target"] == "raw.orders"
    # The XCom is the tasks' one summary schema (README "The run summary"), with Airflow's try number.
    assert list(summary) == ["summary_version", "task", "target", "interval", "outcome", "rows", "partition", "schema_version",
                             "attempt", "try_number", "run_id", "error", "timings", "details"], summary
    assert summary["try_number"] == 1 and summary["attempt"] >= 1 and summary["error"] is None, summary
    with shop.connect(warehouse_url) as conn:
        for table in ("customers", "orders"):
            assert sources.raw_partition_rows(conn, table, D.isoformat(), D.add(days=1).isoformat()) > 0, table
            # The trailing day was re-landed too (late commits).
            assert sources.raw_partition_rows(conn, table, D.subtract(days=1).isoformat(), D.isoformat()) > 0, table
        assert sources.raw_partition_rows(conn, "order_items", D.isoformat(), D.add(days=1).isoformat()) > 0
        if "land_files_marketplace_orders" not in skipped:
            assert sources.raw_partition_rows(conn, "marketplace_orders", D.isoformat(), D.add(days=1).isoformat()) > 0
        before = sources.warehouse_fingerprint(conn)
    assert {"customers", "orders", "order_items"} <= set(before)

    second = dag.test(logical_date=logical_date, mark_success_pattern=pattern)
    assert_run_succeeded(second)
    with shop.connect(warehouse_url) as conn:
        after = sources.warehouse_fingerprint(conn)
    assert after == before, "re-running the same interval changed the warehouse"


def assert_run_succeeded(dag_run):
    assert dag_run is not None
    states = {ti.task_id + (f"[{ti.map_index}]" if ti.map_index >= 0 else ""): ti.state for ti in dag_run.get_task_instances()}
    assert dag_run.state == "success", states
    assert all(s in ("success", "skipped") for s in states.values()), states


def xcom(dag_run, task_id):
    """The task's return value as the run stored it: the task's JSON summary, as the pod runner would push it."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = session.query(XComModel).filter_by(dag_id=dag_run.dag_id, run_id=dag_run.run_id, task_id=task_id,
                                                 key="return_value").one()
        value = row.value
    import json

    return json.loads(value) if isinstance(value, str) else value
