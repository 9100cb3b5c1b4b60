"""Airflow's real scheduler runs the DAG: a REST backfill of two days, a cleared task and manual runs.

Started with the very code of ``dags/airflow-local.sh`` (``airflow_local.stack``): the simulator's PostgreSQL,
products API and file drop, then api-server, scheduler and dag-processor (LocalExecutor, SQLite metadata DB in
a temp dir, the local runner) on a free port. Everything goes through the public REST API (``/api/v2``, JWT
from the simple auth manager). To keep CI cheap the DAG extracts one table (``orders``; the other two run
the same operator) and the sources hold data for every day up to yesterday, so the scheduled run that
unpausing starts (yesterday, catchup off) succeeds as well.

What it proves:
- a backfill of two days lands each day's partition, every task succeeding on its first try, and the
  partitions hold the sources' truth (the shop's rows, the API's products, the drop's manifest);
- a cleared task is re-run by the scheduler for the same interval (try 2) and leaves its partition identical;
- unpausing runs yesterday's interval; a manual run with a data interval picked in the trigger form (the
  REST body's ``data_interval_start``/``_end``) lands exactly that day; one that is not one whole day fails
  at once, without retries and without landing anything.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse
import urllib.request

import pytest

import sources
from conftest import DAGS, REPO

FIRST_DAY = dt.date(2026, 11, 1)
BACKFILL = (dt.date(2026, 11, 2), dt.date(2026, 11, 3))
MANUAL_DAY = dt.date(2026, 11, 5)
DAG_ID = "shopflow_ingest"
#: Hard bounds: the whole test (start-up included) stays well under 15 minutes even on a loaded machine.
READY_TIMEOUT, RUNS_TIMEOUT = 420, 600


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    import sys

    if str(DAGS) not in sys.path:
        sys.path.insert(0, str(DAGS))
    from airflow_local.stack import Airflow, StackError, free_port, java_home, start_sources

    for module in ("simulator", "extract-db", "extract-api", "land-files"):
        sources.jar(module)
    started = time.monotonic()
    work = tmp_path_factory.mktemp("scheduler")
    days = (dt.datetime.now(dt.timezone.utc).date() - FIRST_DAY).days
    java = java_home()
    src = start_sources(work, FIRST_DAY.isoformat(), days, 60 * days, java)
    airflow = None
    try:
        env = {**src.env, "JAVA_HOME": str(java), "SHOPFLOW_RUNNER": "local", "SHOPFLOW_LOCAL_REPO": str(REPO),
               "SHOPFLOW_LOCAL_JAVA": str(java / "bin" / "java"), "SHOPFLOW_DB_TABLES": "orders",
               # A failure shows within a minute, not after production retry delays (15 min for the file feed).
               "SHOPFLOW_RETRIES": "2", "SHOPFLOW_RETRIES_DELAY_SECONDS": "5",
               "SHOPFLOW_FILES_RETRIES": "2", "SHOPFLOW_FILES_RETRIES_DELAY_SECONDS": "5",
               "SHOPFLOW_EXECUTION_TIMEOUT_SECONDS": "300"}
        # A shared CI machine may be slow: a generous import timeout keeps a parse from failing a first try.
        airflow = Airflow(work / "home", free_port(), env, import_timeout=120, parallelism=3)
        airflow.start(components=("api-server", "scheduler", "dag-processor"))
        airflow.wait_ready(timeout=READY_TIMEOUT)
        airflow.import_pools()
        print(f"Airflow ready in {time.monotonic() - started:.0f} s at {airflow.url}")
        yield airflow, src
    except StackError as e:
        pytest.fail(str(e))
    finally:
        if airflow is not None:
            airflow.stop()
        src.stop()
        print(f"scheduler test stack up for {time.monotonic() - started:.0f} s in total")


def day(d: dt.date) -> str:
    return f"{d.isoformat()}T00:00:00Z"


def ts(d: dt.date) -> str:
    return f"{d.isoformat()}T00:00:00+00:00"


def runs(airflow, **query) -> list[dict]:
    q = urllib.parse.urlencode({"limit": 100, **query})
    return airflow.get(f"/api/v2/dags/{DAG_ID}/dagRuns?{q}")["dag_runs"]


def task_instances(airflow, run_id: str) -> list[dict]:
    return airflow.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{urllib.parse.quote(run_id)}/taskInstances?limit=100")[
        "task_instances"]


def wait_for(airflow, what: str, done, timeout: float = RUNS_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        airflow.check_alive()
        value = done()
        if value:
            return value
        time.sleep(3)
    pytest.fail(f"{what}: not done after {timeout:.0f} s; logs in {airflow.home / 'logs'}")


def finished(airflow, run_id: str) -> dict | None:
    r = airflow.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{urllib.parse.quote(run_id)}")
    return r if r["state"] in ("success", "failed") else None


def assert_all_first_try(airflow, run: dict) -> list[dict]:
    tis = task_instances(airflow, run["dag_run_id"])
    summary = sorted((t["task_id"], t["map_index"], t["state"], t["try_number"]) for t in tis)
    assert run["state"] == "success", summary
    assert all(state == "success" and try_number == 1 for _, _, state, try_number in summary), summary
    return tis


def partition_fingerprint(src, table: str, start: dt.date) -> tuple[int, str]:
    end = start + dt.timedelta(days=1)
    with warehouse(src) as conn, conn.cursor() as c:
        c.execute(f'select count(*), md5(coalesce(string_agg(t::text, E\'\\n\' order by t::text), \'\')) from raw."{table}" t '
                  f"where _interval_start = %s::timestamptz and _interval_end = %s::timestamptz", (ts(start), ts(end)))
        return tuple(c.fetchone())


def warehouse(src):
    pg = sources.Postgres(src.env["SOURCE_DB_URL"], src.env["WAREHOUSE_DB_URL"], src.env["WAREHOUSE_DB_USER"],
                          src.env["WAREHOUSE_DB_PASSWORD"], None)
    return pg.connect(pg.warehouse_url)


def shop(src):
    pg = sources.Postgres(src.env["SOURCE_DB_URL"], src.env["WAREHOUSE_DB_URL"], src.env["SOURCE_DB_USER"],
                          src.env["SOURCE_DB_PASSWORD"], None)
    return pg.connect(pg.shop_url)


def ids(conn, sql: str, args) -> list[int]:
    with conn.cursor() as c:
        c.execute(sql, args)
        return sorted(int(r[0]) for r in c.fetchall())


def api_product_ids(src, start: dt.date) -> list[int]:
    """The products the API serves for the day, paged as a client would (the truth extract-api must land)."""
    found, cursor = set(), None
    while True:
        q = {"updated_since": day(start), "updated_before": day(start + dt.timedelta(days=1)), "limit": 100}
        if cursor:
            q["cursor"] = cursor
        req = urllib.request.Request(f"{src.env['PRODUCTS_API_URL']}/v1/products?{urllib.parse.urlencode(q)}",
                                     headers={"Authorization": f"Bearer {src.env['PRODUCTS_API_TOKEN']}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            page = json.loads(r.read())
        found.update(int(item["id"]) for item in page["data"])
        cursor = page.get("next_cursor")
        if not cursor:
            return sorted(found)


def assert_day_holds_the_sources_truth(src, d: dt.date) -> None:
    start, end = ts(d), ts(d + dt.timedelta(days=1))
    bounds = "_interval_start = %s::timestamptz and _interval_end = %s::timestamptz"
    with shop(src) as s:
        truth = ids(s, "select id from public.orders where updated_at >= %s::timestamptz and updated_at < %s::timestamptz",
                    (start, end))
    assert truth, f"the shop has no orders on {d}: the test would prove nothing"
    with warehouse(src) as w:
        assert ids(w, f"select id from raw.orders where {bounds}", (start, end)) == truth, f"raw.orders {d}"
        assert ids(w, f"select id from raw.products where {bounds}", (start, end)) == api_product_ids(src, d), \
            f"raw.products {d}"
        manifest = json.loads((src.file_drop.parent / "file-drop-manifest.json").read_text())
        [expected] = [x["expected_rows"] for x in manifest["days"] if x["day"] == d.isoformat()]
        with w.cursor() as c:
            c.execute(f"select count(*), count(distinct order_ref) from raw.marketplace_orders where {bounds}", (start, end))
            rows, refs = c.fetchone()
        assert rows == refs == expected > 0, f"raw.marketplace_orders {d}: {rows} rows, {refs} refs, manifest {expected}"


def test_backfill_clear_and_manual_runs_through_the_real_scheduler(stack):
    airflow, src = stack
    t0 = time.monotonic()
    b = airflow.request("POST", "/api/v2/backfills", {
        "dag_id": DAG_ID, "from_date": day(BACKFILL[0]), "to_date": day(BACKFILL[1]),
        "reprocess_behavior": "completed", "max_active_runs": 1})
    # The DAG starts paused and no run starts while it is: unpausing runs yesterday (catchup off) too.
    assert airflow.get(f"/api/v2/dags/{DAG_ID}")["is_paused"] is True
    airflow.request("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": False})

    def backfill_done():
        rs = runs(airflow, run_type="backfill")
        done = airflow.get(f"/api/v2/backfills/{b['id']}").get("completed_at")
        return rs if done and rs and all(r["state"] in ("success", "failed") for r in rs) else None

    backfilled = sorted(wait_for(airflow, "the backfill", backfill_done), key=lambda r: r["data_interval_start"])
    print(f"backfill of 2 days done in {time.monotonic() - t0:.0f} s")
    assert [(r["data_interval_start"], r["data_interval_end"]) for r in backfilled] == [
        (day(d), day(d + dt.timedelta(days=1))) for d in BACKFILL]
    for r in backfilled:
        tis = assert_all_first_try(airflow, r)
        assert {t["task_id"] for t in tis} == {"extract_db_orders", "plan_reland_db_orders", "reland_db_orders",
                                               "extract_api_products", "land_files_marketplace_orders"}
    for d in BACKFILL:
        assert_day_holds_the_sources_truth(src, d)
    # The task's XCom is its JSON summary.
    run1 = backfilled[0]["dag_run_id"]
    xcom = airflow.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{urllib.parse.quote(run1)}/taskInstances/extract_db_orders/"
                       f"xcomEntries/return_value")["value"]
    summary = xcom if isinstance(xcom, dict) else json.loads(xcom)
    assert summary["outcome"] == "landed" and summary["target"] == "raw.orders"

    # Clear one task: the scheduler runs it again (try 2) for the same interval; the partition is unchanged.
    before = partition_fingerprint(src, "orders", BACKFILL[0])
    t1 = time.monotonic()
    airflow.request("POST", f"/api/v2/dags/{DAG_ID}/clearTaskInstances", {
        "dry_run": False, "dag_run_id": run1, "task_ids": ["extract_db_orders"], "only_failed": False,
        "reset_dag_runs": True})

    def rerun_done():
        [ti] = [t for t in task_instances(airflow, run1) if t["task_id"] == "extract_db_orders"]
        return ti if ti["try_number"] == 2 and ti["state"] in ("success", "failed") else None

    ti = wait_for(airflow, "the cleared task", rerun_done)
    print(f"cleared task re-run in {time.monotonic() - t1:.0f} s")
    assert ti["state"] == "success"
    args = ti["rendered_fields"]["arguments"]
    assert args[args.index("--start") + 1] == ts(BACKFILL[0]) and args[args.index("--end") + 1] == ts(BACKFILL[1])
    assert ti["rendered_fields"]["env_vars"]["AIRFLOW_CTX_TRY_NUMBER"] == "2"
    assert partition_fingerprint(src, "orders", BACKFILL[0]) == before

    # Unpausing ran yesterday's interval: what a user gets when switching the DAG on.
    yesterday = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)
    [scheduled] = runs(airflow, run_type="scheduled")
    assert scheduled["data_interval_start"] == day(yesterday)
    assert_all_first_try(airflow, wait_for(airflow, "the scheduled run", lambda: finished(airflow, scheduled["dag_run_id"])))

    # A manual run with the interval picked in the trigger form lands exactly that day (and re-lands the one before).
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    manual = airflow.request("POST", f"/api/v2/dags/{DAG_ID}/dagRuns", {
        "logical_date": now, "data_interval_start": day(MANUAL_DAY),
        "data_interval_end": day(MANUAL_DAY + dt.timedelta(days=1))})
    assert_all_first_try(airflow, wait_for(airflow, "the manual run", lambda: finished(airflow, manual["dag_run_id"])))
    assert_day_holds_the_sources_truth(src, MANUAL_DAY)
    assert partition_fingerprint(src, "orders", MANUAL_DAY - dt.timedelta(days=1))[0] > 0  # the trailing day

    # An interval that is not one whole day fails every task on its first try, with the reason, landing nothing.
    wrong = airflow.request("POST", f"/api/v2/dags/{DAG_ID}/dagRuns", {
        "logical_date": dt.datetime.now(dt.timezone.utc).isoformat(), "data_interval_start": "2026-11-06T00:00:00Z",
        "data_interval_end": "2026-11-08T00:00:00Z"})
    failed = wait_for(airflow, "the wrong manual run", lambda: finished(airflow, wrong["dag_run_id"]))
    assert failed["state"] == "failed"
    tis = task_instances(airflow, wrong["dag_run_id"])
    tried = [t for t in tis if t["state"] == "failed"]
    assert tried and all(t["try_number"] == 1 for t in tried), [(t["task_id"], t["state"], t["try_number"]) for t in tis]
    assert all(t["state"] in ("failed", "upstream_failed") for t in tis)
    assert partition_fingerprint(src, "orders", dt.date(2026, 11, 6)) == (0, "d41d8cd98f00b204e9800998ecf8427e")
    print(f"scheduler test runs took {time.monotonic() - t0:.0f} s")
