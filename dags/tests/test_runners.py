"""Exit-code handling of both runners, and the local runner's process (with a stand-in for java)."""

import stat
import textwrap
from unittest import mock

import pytest
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException
from kubernetes.client import models as k8s

from shopflow.local import LocalJarOperator
from shopflow.pod import ShopflowPodOperator, container_exit_code


def terminated_pod(code):
    state = k8s.V1ContainerState(terminated=k8s.V1ContainerStateTerminated(exit_code=code))
    return k8s.V1Pod(status=k8s.V1PodStatus(container_statuses=[
        k8s.V1ContainerStatus(name="base", state=state, image="x", image_id="x", ready=False, restart_count=0)]))


def pod_operator():
    return ShopflowPodOperator(task_id="t", image="ghcr.io/shopflow/extract-db:0.1.0", fail_fast_exit_codes={2, 4})


@pytest.mark.parametrize("code, fails_fast", [(2, True), (4, True), (1, False), (3, False)])
def test_pod_exit_code_decides_whether_retries_are_worth_it(code, fails_fast):
    op = pod_operator()
    failure = AirflowException("Pod t returned a failure.")
    with mock.patch.object(KubernetesPodOperator, "cleanup", side_effect=failure):
        with pytest.raises(AirflowException) as raised:
            op.cleanup(pod=None, remote_pod=terminated_pod(code))
    assert isinstance(raised.value, AirflowFailException) is fails_fast
    if fails_fast:
        assert f"code {code}" in str(raised.value)


def test_pod_success_is_left_alone():
    with mock.patch.object(KubernetesPodOperator, "cleanup", return_value=None) as parent:
        pod_operator().cleanup(pod=None, remote_pod=terminated_pod(0))
    parent.assert_called_once()


def test_container_exit_code_reads_the_base_container_only():
    assert container_exit_code(terminated_pod(4), "base") == 4
    assert container_exit_code(terminated_pod(4), "other") is None
    assert container_exit_code(None, "base") is None


FAKE_JAVA = textwrap.dedent("""\
    #!/bin/sh
    # Stand-in for java: echoes what it got, then behaves as FAKE_EXIT says.
    echo "args: $*"
    echo "secret-set: ${SOURCE_DB_PASSWORD:+yes}"
    echo "unrelated: ${UNRELATED_VARIABLE:-absent}"
    echo "run-id: $AIRFLOW_CTX_DAG_RUN_ID"
    if [ "${FAKE_EXIT:-0}" != 0 ]; then echo "extract-db failed: fake failure $FAKE_EXIT" >&2; echo "more" >&2; exit "$FAKE_EXIT"; fi
    echo '{"task":"extract-db","target":"raw.orders","rows":3,"outcome":"landed"}'
    """)


@pytest.fixture
def fake_repo(tmp_path):
    jar = tmp_path / "tasks" / "extract-db" / "target" / "quarkus-app" / "quarkus-run.jar"
    jar.parent.mkdir(parents=True)
    jar.write_bytes(b"")
    java = tmp_path / "java"
    java.write_text(FAKE_JAVA)
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return tmp_path, java


def local_operator(repo, java, **kw):
    return LocalJarOperator(task_id="extract_db_orders", module="extract-db", repo=repo, java=str(java),
                            arguments=["--table", "orders", "--start", "2026-11-23T00:00:00+00:00", "--end", "2026-11-24T00:00:00+00:00"],
                            env_vars={"AIRFLOW_CTX_DAG_RUN_ID": "manual__1"},
                            secret_variables=["SOURCE_DB_PASSWORD"], fail_fast_exit_codes={2, 4}, **kw)


def test_local_runner_runs_the_jar_with_the_task_arguments_and_returns_the_summary(fake_repo, monkeypatch, capsys):
    repo, java = fake_repo
    monkeypatch.setenv("SOURCE_DB_PASSWORD", "local-secret")
    monkeypatch.setenv("UNRELATED_VARIABLE", "x")
    op = local_operator(repo, java)
    assert op.command() == [str(java), "-jar", str(repo / "tasks/extract-db/target/quarkus-app/quarkus-run.jar"),
                            "--table", "orders", "--start", "2026-11-23T00:00:00+00:00", "--end", "2026-11-24T00:00:00+00:00"]
    summary = op.execute(context={})
    assert summary == {"task": "extract-db", "target": "raw.orders", "rows": 3, "outcome": "landed"}
    captured = capsys.readouterr()  # Airflow's structlog writes the task log to stdout here
    log = captured.out + captured.err
    assert "secret-set: yes" in log           # the secret reached the process through its environment...
    assert "local-secret" not in log          # ...and not through anything logged
    assert "unrelated: absent" in log         # the worker's other variables stay out
    assert "run-id: manual__1" in log


def test_local_environment_copies_secret_file_variants(fake_repo):
    repo, java = fake_repo
    env = local_operator(repo, java).environment({"PATH": "/bin", "SOURCE_DB_PASSWORD_FILE": "/run/pw",
                                                  "QUARKUS_LOG_LEVEL": "DEBUG", "AIRFLOW__CORE__FERNET_KEY": "k"})
    assert env == {"PATH": "/bin", "SOURCE_DB_PASSWORD_FILE": "/run/pw", "QUARKUS_LOG_LEVEL": "DEBUG",
                   "AIRFLOW_CTX_DAG_RUN_ID": "manual__1"}


@pytest.mark.parametrize("code, fails_fast", [(2, True), (4, True), (1, False), (3, False)])
def test_local_exit_codes(fake_repo, code, fails_fast):
    repo, java = fake_repo
    op = local_operator(repo, java)
    op.env_vars["FAKE_EXIT"] = str(code)
    with pytest.raises(AirflowException) as raised:
        op.execute(context={})
    assert isinstance(raised.value, AirflowFailException) is fails_fast
    assert f"exited with code {code}: extract-db failed: fake failure {code}" in str(raised.value)


def test_local_runner_fails_fast_when_the_jar_is_not_built(tmp_path):
    op = LocalJarOperator(task_id="t", module="land-files", repo=tmp_path, arguments=["--feed", "x"])
    with pytest.raises(AirflowFailException, match="does not exist: build it first"):
        op.execute(context={})


@pytest.mark.parametrize("runner", ["kubernetes", "local"])
def test_both_runners_pass_the_run_id_and_airflows_try_number(dag_loader, hook, runner):
    import pendulum

    from conftest import render_task

    task = dag_loader(SHOPFLOW_RUNNER=runner).get_task("extract_api_products")
    render_task(task.dag, task, pendulum.datetime(2026, 11, 23, tz="UTC"))
    env = task.env_vars if isinstance(task.env_vars, dict) else {e.name: e.value for e in task.env_vars}  # KPO: V1EnvVar
    assert env["AIRFLOW_CTX_DAG_RUN_ID"] == "scheduled__2026-11-23T00:00:00+00:00"
    assert env["AIRFLOW_CTX_TRY_NUMBER"] == "1"


@pytest.mark.parametrize("runner", ["kubernetes", "local"])
@pytest.mark.parametrize("start, end", [(None, None), ("2026-11-05T00:00:00+00:00", "2026-11-07T00:00:00+00:00"),
                                        ("2026-11-05T06:00:00+00:00", "2026-11-06T06:00:00+00:00")])
def test_both_runners_refuse_a_run_interval_that_is_not_one_day_before_rendering(dag_loader, hook, runner, start,
                                                                                 end):
    import pendulum

    dag = dag_loader(SHOPFLOW_RUNNER=runner)
    task = dag.get_task("extract_db_orders")
    ctx = {"data_interval_start": start and pendulum.parse(start), "data_interval_end": end and pendulum.parse(end),
           "run_id": "manual__x", "dag": dag, "task": task, "params": {}}
    with pytest.raises(AirflowFailException, match="no data interval|not one interval"):
        task.render_template_fields(ctx)
    assert "{{" in " ".join(task.arguments)  # nothing was rendered
