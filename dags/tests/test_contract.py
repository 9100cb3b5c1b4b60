"""The DAG and the tasks agree: what the DAG renders for a date, run as is against the built jars, lands.

For each task the pod spec is rendered for a fixed data interval (production configuration, Kubernetes API
patched out). Its container runs as the pod would: the same arguments, and an environment built only from
the pod's own ``env`` entries, each ``secretKeyRef`` resolved from a stand-in Secret store and the file-drop
mount mapped to a local folder. Then the partition the task was asked for must be in ``raw.<table>``.
"""

from __future__ import annotations

import pendulum
import pytest

import sources
from conftest import SEED_FIRST_DAY, render_pod

D = pendulum.parse(SEED_FIRST_DAY).add(days=2)  # a day in the middle of the seeded week


def rendered_container(dag, task):
    pod = render_pod(dag, task, D)
    [c] = [c for c in pod["spec"]["containers"] if c["name"] == "base"]
    return c


def pod_environment(container, secret_store, mounts=None):
    """The environment the kubelet would give the container: plain values, secretKeyRefs resolved."""
    env = sources.base_env()
    for e in container["env"]:
        if "valueFrom" in e:
            ref = e["valueFrom"]["secretKeyRef"]
            assert ref["name"] in secret_store, f"the pod needs Secret {ref['name']}, which the deployment must provide"
            env[e["name"]] = secret_store[ref["name"]][ref["key"]]
        else:
            env[e["name"]] = (mounts or {}).get(e["value"], e["value"])
    # Pods run QUARKUS_PROFILE=production, which refuses database connections without sslmode=verify-full; the test
    # server has no certificate, so the contract is checked with the default profile (the TLS rule has its own test).
    assert env.pop("QUARKUS_PROFILE") == "production"
    # For the same reason the verify-full settings that come with the CA Secret's mount are left out here.
    for name in [n for n in env if n.endswith(("_DB_SSLMODE", "_DB_SSLROOTCERT"))]:
        assert env.pop(name) in ("verify-full", "/etc/shopflow/db-ca/ca.crt")
    return env


def secret_store(pg, api=None):
    store = {
        "shopflow-source-db": {k: v for k, v in pg.contract_env().items() if k.startswith("SOURCE_DB_")},
        "shopflow-warehouse-db": {k: v for k, v in pg.contract_env().items() if k.startswith("WAREHOUSE_DB_")},
    }
    if api:
        store["shopflow-products-api"] = {"PRODUCTS_API_URL": api[0], "PRODUCTS_API_TOKEN": api[1]}
    return store


def run_container(module, container, env):
    r = sources.run_jar(module, container["args"], env)
    assert r.returncode == 0, f"{module} {' '.join(container['args'])} exited {r.returncode}: {r.stderr.strip()[:800]}"
    summary = sources.last_json(r.stdout)
    assert summary.get("outcome") == "landed", summary
    return summary


def source_rows(pg, table, start, end):
    with pg.connect(pg.shop_url) as conn, conn.cursor() as c:
        c.execute(f'select count(*) from public."{table}" where updated_at >= %s::timestamptz '
                  f'and updated_at < %s::timestamptz', (start, end))
        return c.fetchone()[0]


def assert_landed(pg, table, args, summary, expected=None):
    start, end = args[args.index("--start") + 1], args[args.index("--end") + 1]
    with pg.connect(pg.warehouse_url) as conn:
        rows = sources.raw_partition_rows(conn, table, start, end)
    assert rows == summary["rows"], f"raw.{table} [{start}, {end}) holds {rows} rows, the task reported {summary['rows']}"
    if expected is not None:
        assert rows == expected, f"raw.{table} [{start}, {end}) holds {rows} rows, the source has {expected}"
    return rows


@pytest.mark.parametrize("table", ["customers", "orders", "order_items"])
def test_extract_db_lands_the_interval_the_dag_renders(dag_loader, hook, shop, table):
    dag = dag_loader()
    c = rendered_container(dag, dag.get_task(f"extract_db_{table}"))
    summary = run_container("extract-db", c, pod_environment(c, secret_store(shop)))
    expected = source_rows(shop, table, D.isoformat(), D.add(days=1).isoformat())
    assert expected > 0, "the seeded shop has no rows that day: the test would prove nothing"
    assert_landed(shop, table, c["args"], summary, expected)


def test_reland_and_chunks_land_their_own_partitions(dag_loader, hook, shop):
    dag = dag_loader(SHOPFLOW_DB_CHUNKS="orders=3")
    mapped = dag.get_task("extract_db_orders")
    chunks = dag.get_task("plan_extract_db_orders").python_callable(data_interval_start=D, data_interval_end=D.add(days=1))
    relands = dag.get_task("plan_reland_db_orders").python_callable(data_interval_start=D, data_interval_end=D.add(days=1))
    assert len(chunks) == 3 and len(relands) == 3
    total = 0
    for args in chunks + relands:
        c = rendered_container(dag, mapped.unmap({"arguments": args}))
        assert c["args"] == args
        summary = run_container("extract-db", c, pod_environment(c, secret_store(shop)))
        start, end = args[3], args[5]
        rows = assert_landed(shop, "orders", args, summary, source_rows(shop, "orders", start, end))
        total += rows if args in chunks else 0
    assert total == source_rows(shop, "orders", D.isoformat(), D.add(days=1).isoformat())


def test_land_files_lands_the_interval_the_dag_renders(dag_loader, hook, shop, file_drop):
    sources.jar("land-files")
    dag = dag_loader()
    c = rendered_container(dag, dag.get_task("land_files_marketplace_orders"))
    env = pod_environment(c, secret_store(shop), mounts={"/data/file-drop": str(file_drop)})
    assert env["FILE_DROP_DIR"] == str(file_drop)
    summary = run_container("land-files", c, env)
    assert assert_landed(shop, "marketplace_orders", c["args"], summary) > 0


def test_extract_api_lands_the_interval_the_dag_renders(dag_loader, hook, shop, products_api):
    sources.jar("extract-api")
    dag = dag_loader()
    c = rendered_container(dag, dag.get_task("extract_api_products"))
    summary = run_container("extract-api", c, pod_environment(c, secret_store(shop, products_api)))
    assert_landed(shop, "products", c["args"], summary)


def test_local_runner_fails_fast_on_the_real_tasks_auth_error(shop, monkeypatch):
    """Exit 2 from the real jar (a refused login) fails the task without retries, with the task's message."""
    from airflow.sdk.exceptions import AirflowFailException

    from conftest import REPO
    from shopflow.local import LocalJarOperator

    for k, v in {**shop.contract_env(), "SOURCE_DB_PASSWORD": "not-the-password"}.items():
        monkeypatch.setenv(k, v)
    op = LocalJarOperator(task_id="extract_db_customers", module="extract-db", repo=REPO, java=sources.java(),
                          arguments=["--table", "customers", "--start", D.isoformat(), "--end", D.add(days=1).isoformat()],
                          secret_variables=[k for k in shop.contract_env()], fail_fast_exit_codes={2, 4})
    with pytest.raises(AirflowFailException, match="exited with code 2: extract-db failed: .*login") as raised:
        op.execute(context={})
    assert "not-the-password" not in str(raised.value)


def test_the_initial_load_lands_every_day_of_its_range_in_one_process(monkeypatch, hook, shop):
    """The initial-load DAG's pod, rendered for a params range, lands each day as the daily DAG's run of it would."""
    from types import SimpleNamespace

    from kubernetes.client import ApiClient

    from conftest import load_initial_load_dag

    dag = load_initial_load_dag(monkeypatch)
    task = dag.get_task("extract_db_orders")
    first = pendulum.parse(SEED_FIRST_DAY)
    params = {"start": first.isoformat(), "end": first.add(days=2).isoformat(), "every": "P1D"}
    task.render_template_fields({"params": params, "run_id": "manual__initial-load", "dag": dag, "task": task,
                                 "ti": SimpleNamespace(try_number=1)})
    pod = ApiClient().sanitize_for_serialization(task.build_pod_request_obj())
    [c] = [c for c in pod["spec"]["containers"] if c["name"] == "base"]
    assert c["args"][-2:] == ["--every", "P1D"]
    summary = run_container("extract-db", c, pod_environment(c, secret_store(shop)))
    parts = summary["details"]["partitions"]
    assert [p["outcome"] for p in parts] == ["landed", "landed"], summary
    for i, p in enumerate(parts):
        start, end = first.add(days=i).isoformat(), first.add(days=i + 1).isoformat()
        expected = source_rows(shop, "orders", start, end)
        assert expected > 0
        assert p["rows"] == expected
        with shop.connect(shop.warehouse_url) as conn:
            assert sources.raw_partition_rows(conn, "orders", start, end) == expected
    assert summary["rows"] == sum(p["rows"] for p in parts)
