"""The pods the DAG renders are valid Pods for every Kubernetes version the chart claims, checked strictly
(an unknown field is an error, as the API server's strict field validation treats it) against Kubernetes' own
OpenAPI schemas, bundled offline by kubernetes-validate.

With POD_SPEC_OUTPUT_DIR set, the rendered pods are also written there as JSON: the opt-in API-server check
(helm/apiserver-check/check.sh) creates them with `kubectl create --dry-run=server`.
"""

import json
import os
import re
from pathlib import Path

import kubernetes_validate
import pendulum
import pytest

from conftest import render_pod

D = pendulum.datetime(2026, 11, 23, tz="UTC")
CHART = Path(__file__).resolve().parents[2] / "helm" / "shopflow-ingest" / "Chart.yaml"
TASKS = ["extract_db_orders", "extract_db_customers", "extract_api_products", "land_files_marketplace_orders"]


def claimed_versions():
    """Chart.yaml's kubeVersion lower bound up to the newest schema kubernetes-validate bundles."""
    m = re.search(r'^kubeVersion:\s*">=\s*1\.(\d+)\.0-0"\s*$', CHART.read_text(), re.M)
    assert m, f"{CHART} claims the Kubernetes versions it supports"
    newest = int(kubernetes_validate.latest_version().split(".")[1])
    return [f"1.{minor}.0" for minor in range(int(m.group(1)), newest + 1)]


def pods(dag_loader):
    dag = dag_loader(SHOPFLOW_NAMESPACE="shopflow-tasks")
    out = {}
    for task_id in TASKS:
        pod = render_pod(dag, dag.get_task(task_id), D)
        pod.setdefault("apiVersion", "v1")
        pod.setdefault("kind", "Pod")
        out[task_id] = pod
    return out


def test_every_rendered_pod_is_a_valid_pod_for_every_claimed_kubernetes_version(dag_loader, hook):
    versions = claimed_versions()
    assert len(versions) >= 3, versions
    rendered = pods(dag_loader)
    for task_id, pod in rendered.items():
        assert pod["kind"] == "Pod" and pod["spec"]["containers"], task_id
        for version in versions:
            try:
                kubernetes_validate.validate(pod, version, strict=True)
            except kubernetes_validate.ValidationError as e:
                pytest.fail(f"{task_id}: Kubernetes {version} refuses the pod: {e.message} at {list(e.path)}")
    target = os.environ.get("POD_SPEC_OUTPUT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        for task_id, pod in rendered.items():
            (Path(target) / f"{task_id}.json").write_text(json.dumps(pod, indent=2))


def test_strict_validation_refuses_an_unknown_field_in_a_rendered_pod(dag_loader, hook):
    pod = pods(dag_loader)["extract_db_orders"]
    pod["spec"]["containers"][0]["readOnlyRootFileSystem"] = True  # misspelt, and in the wrong place
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(pod, claimed_versions()[0], strict=True)
