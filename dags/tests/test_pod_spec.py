"""The pods the DAG asks Kubernetes for, rendered for a fixed data interval with the Kubernetes API patched out."""

import json

import pendulum
import pytest
from kubernetes.client import ApiClient

from conftest import SECRET_VALUES, render_pod, render_task

D = pendulum.datetime(2026, 11, 23, tz="UTC")
RUN_ID = "scheduled__2026-11-23T00:00:00+00:00"


def secret_env(variable, secret, key=None):
    return {"name": variable, "valueFrom": {"secretKeyRef": {"name": secret, "key": key or variable}}}


def base(pod):
    [c] = [c for c in pod["spec"]["containers"] if c["name"] == "base"]
    return c


def assert_no_secret_values(pod):
    text = json.dumps(pod)
    for variable, value in SECRET_VALUES.items():
        assert value not in text, f"the value of {variable} leaked into the pod spec"


def test_extract_db_pod_for_a_fixed_interval(dag_loader, hook):
    dag = dag_loader()
    pod = render_pod(dag, dag.get_task("extract_db_orders"), D)
    c = base(pod)
    assert c["image"] == "ghcr.io/shopflow/extract-db:0.1.0"
    assert c.get("command") in (None, [])  # the image ENTRYPOINT is the task
    assert c["args"] == ["--table", "orders", "--start", "2026-11-23T00:00:00+00:00", "--end", "2026-11-24T00:00:00+00:00"]
    assert c["env"] == [
        {"name": "QUARKUS_PROFILE", "value": "production"},
        {"name": "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "value": "true"},
        {"name": "SOURCE_DB_SSLMODE", "value": "verify-full"},
        {"name": "SOURCE_DB_SSLROOTCERT", "value": "/etc/shopflow/db-ca/ca.crt"},
        {"name": "WAREHOUSE_DB_SSLMODE", "value": "verify-full"},
        {"name": "WAREHOUSE_DB_SSLROOTCERT", "value": "/etc/shopflow/db-ca/ca.crt"},
        {"name": "AIRFLOW_CTX_DAG_RUN_ID", "value": RUN_ID},
        {"name": "AIRFLOW_CTX_TRY_NUMBER", "value": "1"},
        secret_env("SOURCE_DB_URL", "shopflow-source-db"),
        secret_env("SOURCE_DB_USER", "shopflow-source-db"),
        secret_env("SOURCE_DB_PASSWORD", "shopflow-source-db"),
        secret_env("WAREHOUSE_DB_URL", "shopflow-warehouse-db"),
        secret_env("WAREHOUSE_DB_USER", "shopflow-warehouse-db"),
        secret_env("WAREHOUSE_DB_PASSWORD", "shopflow-warehouse-db"),
    ]
    assert c["resources"] == {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}}
    assert c["securityContext"]["allowPrivilegeEscalation"] is False
    assert c["securityContext"]["runAsNonRoot"] is True
    # Read-only root file system (the images are proven to run so by docker/ImageRunIT); /tmp is the one writable place.
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert {"name": "tmp", "mountPath": "/tmp"} in c["volumeMounts"]
    spec = pod["spec"]
    assert {"name": "tmp", "emptyDir": {"sizeLimit": "2Gi"}} in spec["volumes"]
    # The production profile wants verify-full: the databases' CA comes from a Secret, mounted read-only.
    assert {"name": "db-ca", "mountPath": "/etc/shopflow/db-ca", "readOnly": True} in c["volumeMounts"]
    assert {"name": "db-ca", "secret": {"secretName": "shopflow-db-ca"}} in spec["volumes"]
    assert spec["serviceAccountName"] == "shopflow-task"
    assert spec["automountServiceAccountToken"] is False
    assert spec["restartPolicy"] == "Never"
    assert pod["metadata"]["namespace"] == "shopflow"
    labels = pod["metadata"]["labels"]
    assert labels["app.kubernetes.io/name"] == "shopflow-ingest"
    assert labels["app.kubernetes.io/component"] == "extract-db"
    assert labels["shopflow.io/target"] == "orders"
    # The summary comes back through the XCom sidecar, which runs unprivileged as well.
    [sidecar] = [x for x in spec["containers"] if x["name"] == "airflow-xcom-sidecar"]
    assert sidecar["securityContext"]["runAsNonRoot"] is True
    assert {"mountPath": "/airflow/xcom", "name": "xcom"} in c["volumeMounts"]
    assert_no_secret_values(pod)


def test_operator_settings_that_are_not_in_the_pod_spec(dag_loader):
    dag = dag_loader()
    for task_id in ("extract_db_customers", "extract_api_products", "land_files_marketplace_orders"):
        t = dag.get_task(task_id)
        assert t.on_finish_action.value == "delete_pod"
        assert t.do_xcom_push is True
        assert t.get_logs is True
        assert t.fail_fast_exit_codes == {2, 3, 4}
        assert t.execution_timeout is not None


def test_extract_api_pod_takes_the_api_token_from_its_secret(dag_loader, hook):
    dag = dag_loader(SHOPFLOW_PRODUCTS_API_SECRET="catalog-api", SHOPFLOW_SECRET_KEY_PRODUCTS_API_TOKEN="token",
                     SHOPFLOW_IMAGE_EXTRACT_API="registry.local/extract-api:2.0.1")
    pod = render_pod(dag, dag.get_task("extract_api_products"), D)
    c = base(pod)
    assert c["image"] == "registry.local/extract-api:2.0.1"
    assert c["args"] == ["--resource", "products", "--start", "2026-11-23T00:00:00+00:00", "--end", "2026-11-24T00:00:00+00:00"]
    assert secret_env("PRODUCTS_API_TOKEN", "catalog-api", "token") in c["env"]
    assert secret_env("PRODUCTS_API_URL", "catalog-api") in c["env"]
    assert not [e for e in c["env"] if e["name"].startswith("SOURCE_DB")]
    assert_no_secret_values(pod)


def test_land_files_pod_mounts_the_drop_read_only(dag_loader, hook):
    dag = dag_loader(SHOPFLOW_FILE_DROP_CLAIM="partner-drop", SHOPFLOW_NAMESPACE="ingest",
                     SHOPFLOW_SERVICE_ACCOUNT="ingest-task")
    pod = render_pod(dag, dag.get_task("land_files_marketplace_orders"), D)
    c = base(pod)
    assert c["image"] == "ghcr.io/shopflow/land-files:0.1.0"
    assert c["args"] == ["--feed", "marketplace_orders", "--start", "2026-11-23T00:00:00+00:00",
                         "--end", "2026-11-24T00:00:00+00:00"]
    assert {"name": "FILE_DROP_DIR", "value": "/data/file-drop"} in c["env"]
    assert {"mountPath": "/data/file-drop", "name": "file-drop", "readOnly": True} in c["volumeMounts"]
    assert {"name": "file-drop", "persistentVolumeClaim": {"claimName": "partner-drop", "readOnly": True}} in pod["spec"]["volumes"]
    assert pod["spec"]["serviceAccountName"] == "ingest-task"
    assert pod["metadata"]["namespace"] == "ingest"
    assert [e["name"] for e in c["env"] if "valueFrom" in e] == ["WAREHOUSE_DB_URL", "WAREHOUSE_DB_USER", "WAREHOUSE_DB_PASSWORD"]
    assert_no_secret_values(pod)


def test_mapped_chunk_pods_get_the_concrete_sub_interval(dag_loader, hook):
    dag = dag_loader(SHOPFLOW_DB_CHUNKS="orders=4")
    chunks = dag.get_task("plan_extract_db_orders").python_callable(data_interval_start=D, data_interval_end=D.add(days=1))
    mapped = dag.get_task("extract_db_orders")
    assert mapped.partial_kwargs["max_active_tis_per_dagrun"] == 4
    for chunk in chunks:
        op = mapped.unmap({"arguments": chunk})
        pod = render_pod(dag, op, D)
        assert base(pod)["args"] == chunk
        assert base(pod)["image"] == "ghcr.io/shopflow/extract-db:0.1.0"
        assert pod["spec"]["serviceAccountName"] == "shopflow-task"
        assert_no_secret_values(pod)
    assert base(pod)["args"][3:] == ["2026-11-23T18:00:00+00:00", "--end", "2026-11-24T00:00:00+00:00"]


@pytest.mark.parametrize("runner", ["kubernetes", "local"])
def test_no_secret_value_in_any_rendered_argument_env_or_label(dag_loader, runner):
    dag = dag_loader(SHOPFLOW_RUNNER=runner)
    for t in dag.tasks:
        if not hasattr(t, "arguments") or not isinstance(t.arguments, list):
            continue  # mapped and python tasks: their arguments are checked through the plan tests
        render_task(dag, t, D)
        rendered = json.dumps({"args": t.arguments, "env": t.env_vars if isinstance(t.env_vars, dict) else
                               ApiClient().sanitize_for_serialization(t.env_vars),
                               "labels": getattr(t, "labels", {})}, default=str)
        for variable, value in SECRET_VALUES.items():
            assert value not in rendered, f"{t.task_id}: the value of {variable} leaked"
        assert "{{" not in rendered


@pytest.mark.parametrize("task_id", ["extract_db_orders", "extract_api_products", "land_files_marketplace_orders"])
def test_local_runner_gets_the_very_same_command_line_and_environment(dag_loader, hook, task_id):
    pod_dag = dag_loader()
    pod = render_pod(pod_dag, pod_dag.get_task(task_id), D)
    local_dag = dag_loader(SHOPFLOW_RUNNER="local")
    local = local_dag.get_task(task_id)
    render_task(local_dag, local, D)
    c = base(pod)
    assert local.arguments == c["args"]
    assert local.module == c["image"].rsplit("/", 1)[1].split(":")[0]
    plain = {e["name"]: e["value"] for e in c["env"] if "value" in e}
    mounted = {"FILE_DROP_DIR"} & set(plain)
    pod_only = {"QUARKUS_PROFILE": "production", "QUARKUS_LOG_CONSOLE_JSON_ENABLED": "true"}  # TLS rule and JSON logs
    assert {k: plain.pop(k) for k in pod_only} == pod_only
    # The databases' CA is a pod thing too: a local run keeps the variables of its own environment.
    for k in [k for k in plain if k.endswith(("_SSLMODE", "_SSLROOTCERT"))]:
        plain.pop(k)
    assert {k: v for k, v in plain.items() if k not in mounted} == local.env_vars
    assert set(local.local_variables) == mounted  # taken from the local environment instead of the mount
    assert list(local.secret_variables) == [e["name"] for e in c["env"] if "valueFrom" in e]


def test_db_ca_secret_can_be_renamed_or_left_out(dag_loader, hook):
    dag = dag_loader(SHOPFLOW_DB_CA_SECRET="warehouse-ca", SHOPFLOW_DB_CA_KEY="root.pem")
    pod = render_pod(dag, dag.get_task("land_files_marketplace_orders"), D)
    env = {e["name"]: e.get("value") for e in base(pod)["env"]}
    assert env["WAREHOUSE_DB_SSLROOTCERT"] == "/etc/shopflow/db-ca/root.pem"
    assert "SOURCE_DB_SSLMODE" not in env  # land-files talks to the warehouse only
    assert {"name": "db-ca", "secret": {"secretName": "warehouse-ca"}} in pod["spec"]["volumes"]

    dag = dag_loader(SHOPFLOW_DB_CA_SECRET="none")
    pod = render_pod(dag, dag.get_task("extract_db_orders"), D)
    env = {e["name"] for e in base(pod)["env"]}
    assert not {n for n in env if n.endswith(("_SSLMODE", "_SSLROOTCERT"))}
    assert all(v["name"] != "db-ca" for v in pod["spec"]["volumes"])
