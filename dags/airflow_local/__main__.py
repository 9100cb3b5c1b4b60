"""One command, a local Airflow with the ShopFlow DAG on the simulator's sources: ``dags/airflow-local.sh``.

Starts the simulator's PostgreSQL (databases ``shop`` and ``warehouse``), products API and file drop, then
Airflow's api-server, scheduler, dag-processor and triggerer (LocalExecutor, SQLite, everyone admin), with
``SHOPFLOW_RUNNER=local`` and the contract's variables in every component; imports the pools and prints the
UI address. Ctrl-C (or SIGTERM) stops everything it started. Everything lives under ``--work``, fresh each
start. ``--backfill`` and ``--screenshot`` run a backfill and photograph the grid (how the README's picture
is made); with ``--exit`` it stops after that.
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import time
from pathlib import Path

from airflow_local.stack import DAG_ID, DAGS, Airflow, StackError, java_home, start_sources

STARTED = time.monotonic()


def main(argv: list[str] | None = None) -> int:
    today = dt.datetime.now(dt.timezone.utc).date()
    p = argparse.ArgumentParser(prog="dags/airflow-local.sh", description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=8080, help="UI and API port on 127.0.0.1 (default 8080)")
    p.add_argument("--work", type=Path, default=DAGS / "target" / "airflow-local",
                   help="work directory: AIRFLOW_HOME, logs, file drop (default dags/target/airflow-local)")
    p.add_argument("--first-day", default="2026-11-01", help="first day of the simulated sources (the DAG's start)")
    p.add_argument("--days", type=int, default=0, help="days of simulated data (default: up to yesterday)")
    p.add_argument("--orders-per-day", type=int, default=200)
    p.add_argument("--backfill", metavar="FROM:TO", help="create a backfill of these days (inclusive) and wait for it")
    p.add_argument("--screenshot", type=Path, metavar="PNG", help="after the backfill, save the DAG's grid as PNG")
    p.add_argument("--exit", action="store_true", help="stop once the backfill and screenshot are done")
    a = p.parse_args(argv)
    first = dt.date.fromisoformat(a.first_day)
    days = a.days or max(1, (today - first).days)

    signal.signal(signal.SIGTERM, _interrupt)
    sources = airflow = None
    try:
        java = java_home()
        say(f"starting the simulator's PostgreSQL, products API and file drop ({days} days from {first})")
        sources = start_sources(a.work, str(first), days, a.orders_per_day * days, java)
        env = {**sources.env, "JAVA_HOME": str(java), "SHOPFLOW_RUNNER": "local",
               "SHOPFLOW_LOCAL_JAVA": str(java / "bin" / "java")}
        airflow = Airflow(a.work / "home", a.port, env)
        say("airflow db migrate, then api-server, scheduler, dag-processor, triggerer")
        airflow.start()
        airflow.wait_ready()
        pools = airflow.import_pools()
        ui = f"{airflow.url}/dags/{DAG_ID}"
        say(f"ready in {time.monotonic() - STARTED:.0f} s: pools {', '.join(pools)} imported")
        print(f"""
  Airflow UI   {ui}
  Login        none needed (simple auth manager, everyone is admin)
  REST API     {airflow.url}/api/v2 (token: curl {airflow.url}/auth/token)
  Warehouse    {sources.env['WAREHOUSE_DB_URL']} user {sources.env['WAREHOUSE_DB_USER']} password {sources.env['WAREHOUSE_DB_PASSWORD']}
  Logs         {airflow.home / 'logs'}

  The DAG starts paused. Unpausing it runs yesterday's interval at once (catchup is off); a backfill or a
  manual run lands the days you pick (dags/README.md, "What a run lands"). Ctrl-C stops everything.
""", flush=True)
        if a.backfill:
            start, _, end = a.backfill.partition(":")
            backfill(airflow, start, end or start)
            if a.screenshot:
                from airflow_local.screenshot import grid

                grid(airflow, a.screenshot)
                say(f"grid saved to {a.screenshot}")
            if a.exit:
                return 0
        while True:
            airflow.check_alive()
            for proc in sources.processes:
                if not proc.alive():
                    raise StackError(f"simulator {proc.name} exited: {proc.tail()}")
            time.sleep(2)
    except KeyboardInterrupt:
        say("stopping")
        return 0
    except StackError as e:
        print(f"airflow-local: {e}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave processes behind
        if airflow is not None:
            airflow.stop()
        if sources is not None:
            sources.stop()


def backfill(airflow: Airflow, start: str, end: str, timeout: float = 1800) -> list[dict]:
    """Creates a backfill of the days ``start`` to ``end`` (inclusive) and waits until its runs are done."""
    say(f"backfill {start} to {end}")
    b = airflow.request("POST", "/api/v2/backfills", {
        "dag_id": DAG_ID, "from_date": f"{start}T00:00:00Z", "to_date": f"{end}T00:00:00Z",
        "reprocess_behavior": "completed", "max_active_runs": 1})
    # No run starts while the DAG is paused, backfills included; unpausing also runs yesterday (catchup off).
    airflow.request("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": False})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        airflow.check_alive()
        done = airflow.get(f"/api/v2/backfills/{b['id']}").get("completed_at")
        runs = airflow.get(f"/api/v2/dags/{DAG_ID}/dagRuns?limit=100")["dag_runs"]
        if done and runs and all(r["state"] in ("success", "failed") for r in runs):
            say("runs done: " + ", ".join(f"{r['data_interval_start'][:10]} {r['state']}" for r in runs))
            return runs
        time.sleep(3)
    raise StackError(f"backfill {b['id']} not done after {timeout:.0f} s")


def _interrupt(*_) -> None:
    raise KeyboardInterrupt  # SIGTERM stops as Ctrl-C does


def say(message: str) -> None:
    print(f"airflow-local [{time.monotonic() - STARTED:5.0f} s] {message}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
