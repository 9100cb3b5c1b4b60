"""Parsing the DAG file stays cheap: the Kubernetes client (seconds of every parse) is not imported, with either
runner (the pod runner imports it when a task runs). Checked in a fresh interpreter, as the dag-processor and
every task process parse the file."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import DAGS

PROBE = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
print(json.dumps({"errors": {str(k): str(v) for k, v in bag.import_errors.items()}, "dags": sorted(bag.dags),
                  "heavy": sorted(m for m in ("kubernetes", "kubernetes_asyncio", "airflow.providers.cncf.kubernetes.operators.pod")
                                  if m in sys.modules)}))
"""


def parse_in_fresh_interpreter(runner: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPFLOW_")}
    env["SHOPFLOW_RUNNER"] = runner
    r = subprocess.run([sys.executable, "-c", PROBE, str(DAGS)], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_the_local_runner_parses_without_importing_the_kubernetes_client():
    result = parse_in_fresh_interpreter("local")
    assert result["errors"] == {} and result["dags"] == ["shopflow_ingest", "shopflow_ingest_initial_load"], result
    assert result["heavy"] == [], f"parsing with SHOPFLOW_RUNNER=local imported {result['heavy']}"


def test_the_pod_runner_parses_without_importing_the_kubernetes_client_either():
    # Its pod operator is built when the task runs (shopflow.podtask); test_pod_spec checks the pods it builds.
    result = parse_in_fresh_interpreter("kubernetes")
    assert result["errors"] == {} and result["dags"] == ["shopflow_ingest", "shopflow_ingest_initial_load"], result
    assert result["heavy"] == [], f"parsing with SHOPFLOW_RUNNER=kubernetes imported {result['heavy']}"
