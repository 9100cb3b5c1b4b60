"""Test setup: a private AIRFLOW_HOME (SQLite metadata DB) and helpers to load the DAG under a given config.

Airflow reads its configuration when first imported, so the environment is set here, before any test
module imports airflow.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import types
from pathlib import Path

DAGS = Path(__file__).resolve().parents[1]
REPO = DAGS.parent

_home = os.environ.get("SHOPFLOW_TEST_AIRFLOW_HOME")
if not _home:
    _home = tempfile.mkdtemp(prefix="shopflow-airflow-home-")
    atexit.register(shutil.rmtree, _home, True)
os.environ["AIRFLOW_HOME"] = _home
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "false"
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_home}/airflow.db"
os.environ.setdefault("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
# No SHOPFLOW_* from the developer's shell: each test states the configuration it loads.
for _k in [k for k in os.environ if k.startswith("SHOPFLOW_") and not k.startswith("SHOPFLOW_TEST_")]:
    del os.environ[_k]
if str(DAGS) not in sys.path:
    sys.path.insert(0, str(DAGS))

import pytest  # noqa: E402

DAG_ID = "shopflow_ingest"

#: Values that stand for real credentials: none of them may show up in anything the DAG renders.
SECRET_VALUES = {
    "SOURCE_DB_PASSWORD": "src-Pa55-6f1c2a",
    "WAREHOUSE_DB_PASSWORD": "wh-Pa55-93be0d",
    "PRODUCTS_API_TOKEN": "tok-7d0c55e1a2",
    "SOURCE_DB_USER": "src-user-4411",
    "WAREHOUSE_DB_USER": "wh-user-8822",
    "SOURCE_DB_URL": "jdbc:postgresql://secret-source-host:5432/shop",
    "WAREHOUSE_DB_URL": "jdbc:postgresql://secret-warehouse-host:5432/warehouse",
    "PRODUCTS_API_URL": "http://secret-api-host:8080",
}


def load_dag(monkeypatch, **env):
    """Parses the DAG folder with ``SHOPFLOW_*`` set to ``env`` (plus the sentinel secrets) and returns the DAG.

    A fresh DagBag re-executes the DAG file, so each call sees its own configuration, and rendering (which
    mutates operators) never leaks between tests.
    """
    from airflow.dag_processing.dagbag import DagBag

    for k, v in SECRET_VALUES.items():
        monkeypatch.setenv(k, v)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}, bag.import_errors
    return bag.dags[DAG_ID]


def load_initial_load_dag(monkeypatch, **env):
    """As :func:`load_dag`, the initial-load DAG (``<dag id>_initial_load``)."""
    from airflow.dag_processing.dagbag import DagBag

    for k, v in {**SECRET_VALUES, **env}.items():
        monkeypatch.setenv(k, v)
    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}, bag.import_errors
    return bag.dags[DAG_ID + "_initial_load"]


@pytest.fixture
def dag_loader(monkeypatch):
    return lambda **env: load_dag(monkeypatch, **env)


# --- The real sources, shared by the end-to-end tests (see sources.py); started once per session. ---

SEED_FIRST_DAY = "2026-11-01"
SEED_DAYS = 7


@pytest.fixture(scope="session")
def postgres():
    import sources

    for module in ("simulator", "extract-db"):
        sources.jar(module)
    pg = sources.start_postgres()
    try:
        yield pg
    finally:
        sources.stop(pg.process)


@pytest.fixture(scope="session")
def shop(postgres):
    """The shop database, filled by ``simulator db`` with a week of data from SEED_FIRST_DAY."""
    import sources

    env = {**sources.base_env(), **postgres.contract_env()}
    for args in (["db", "create"], ["db", "fill", "--orders", "3000", "--first-day", SEED_FIRST_DAY,
                                     "--days", str(SEED_DAYS)]):
        r = sources.run_jar("simulator", args, env, timeout=300)
        if r.returncode != 0:
            sources.unavailable(f"simulator {' '.join(args)} exited {r.returncode}: {r.stderr.strip()[:300]}")
    return postgres


@pytest.fixture(scope="session")
def file_drop(tmp_path_factory):
    """A partner file drop written by ``simulator files`` (all days complete, with _DONE)."""
    import sources

    root = tmp_path_factory.mktemp("file-drop")
    r = sources.run_jar("simulator", ["files", "--dir", str(root), "--first-day", SEED_FIRST_DAY,
                                      "--days", str(SEED_DAYS)], sources.base_env(), timeout=120)
    done = root / "marketplace_orders" / SEED_FIRST_DAY / "_DONE"
    if r.returncode != 0 or not done.is_file():
        sources.unavailable(f"'simulator files' did not write a drop with {done.name} "
                            f"(exit {r.returncode}: {r.stderr.strip()[:200]})")
    return root


@pytest.fixture(scope="session")
def products_api():
    """``simulator api`` on a free loopback port; yields (base URL, token)."""
    import secrets

    import sources

    token = "api-" + secrets.token_hex(8)
    process, url = sources.api_server(token, SEED_FIRST_DAY, SEED_DAYS)
    try:
        yield url, token
    finally:
        sources.stop(process)


@pytest.fixture
def hook():
    """The KubernetesHook as far as building a pod needs it, without a cluster."""
    from unittest import mock

    with mock.patch("airflow.providers.cncf.kubernetes.operators.pod.KubernetesHook") as h:
        h.return_value.is_in_cluster = False
        h.return_value.get_namespace.return_value = None
        h.return_value.get_xcom_sidecar_container_image.return_value = "alpine:3.20"
        h.return_value.get_xcom_sidecar_container_resources.return_value = None
        h.return_value.get_xcom_sidecar_container_security_context.return_value = None
        yield h


def render_task(dag, task, day):
    """Renders the task's templates for the scheduled run of `day` (a pendulum datetime), as a worker would."""
    from types import SimpleNamespace

    ctx = {"data_interval_start": day, "data_interval_end": day.add(days=1), "logical_date": day,
           "run_id": f"scheduled__{day.isoformat()}", "dag": dag, "task": task, "params": {},
           "ti": SimpleNamespace(try_number=1)}
    task.render_template_fields(ctx)


def render_pod(dag, task, day):
    """The pod a KubernetesPodOperator would create for the scheduled run of `day`, as a plain dict."""
    from kubernetes.client import ApiClient

    render_task(dag, task, day)
    return ApiClient().sanitize_for_serialization(task.build_pod_request_obj())
