"""The cluster runner: a KubernetesPodOperator that knows the tasks' exit codes.

The tasks say whether a retry can help (CONTRACT section 2): exit 2 is a usage, configuration or
authentication error and exit 4 a schema change refused by policy, so retrying them only repeats the
failure and delays the alert. The plain operator retries every failure; this one fails those at once
(``AirflowFailException`` skips the remaining retries). Exit 1 (transient, ``_DONE`` missing, partition
locked) and exit 3 (data error; the partner may re-deliver) keep the normal retries.
"""

from __future__ import annotations

from typing import Any, Collection

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException
from kubernetes.client import models as k8s

from shopflow.config import FAIL_FAST_EXIT_CODES
from shopflow.local import require_one_interval


def container_exit_code(pod: k8s.V1Pod | None, container: str) -> int | None:
    """Exit code of ``container`` in ``pod``, or ``None`` if it has not terminated (or the pod is unknown)."""
    statuses = (pod.status.container_statuses if pod is not None and pod.status is not None else None) or []
    for s in statuses:
        if s.name == container and s.state is not None and s.state.terminated is not None:
            return s.state.terminated.exit_code
    return None


class ShopflowPodOperator(KubernetesPodOperator):
    """KubernetesPodOperator that fails without retrying when the task exits with a fail-fast code."""

    def __init__(self, *, fail_fast_exit_codes: Collection[int] = FAIL_FAST_EXIT_CODES, interval_schedule: str | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.fail_fast_exit_codes = frozenset(fail_fast_exit_codes)
        self.interval_schedule = interval_schedule

    def render_template_fields(self, context, jinja_env=None) -> None:
        require_one_interval(context, self.interval_schedule)  # as the local runner: see shopflow.local
        super().render_template_fields(context, jinja_env)

    def cleanup(self, pod, remote_pod, xcom_result=None, context=None) -> None:
        try:
            super().cleanup(pod=pod, remote_pod=remote_pod, xcom_result=xcom_result, context=context)
        except AirflowSkipException:
            raise
        except AirflowException as failure:
            code = container_exit_code(remote_pod, self.base_container_name)
            if code in self.fail_fast_exit_codes:
                raise AirflowFailException(
                    f"task exited with code {code}, which a retry cannot fix (see the task log); not retrying"
                ) from failure
            raise


def pod_settings(spec) -> dict[str, Any]:
    """The operator settings of a :class:`~shopflow.podtask.PodSpec`, as Kubernetes objects."""
    from airflow.providers.cncf.kubernetes.secret import Secret

    # The root file system is read-only; the JVM and land-files' key-hash spill files write to /tmp only.
    volumes = [k8s.V1Volume(name="tmp", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit="2Gi"))]
    mounts = [k8s.V1VolumeMount(name="tmp", mount_path="/tmp")]
    if spec.db_ca is not None:
        secret, directory = spec.db_ca
        volumes.append(k8s.V1Volume(name="db-ca", secret=k8s.V1SecretVolumeSource(secret_name=secret)))
        mounts.append(k8s.V1VolumeMount(name="db-ca", mount_path=directory, read_only=True))
    if spec.file_drop is not None:
        claim, mount = spec.file_drop
        volumes.append(k8s.V1Volume(name="file-drop", persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(
            claim_name=claim, read_only=True)))
        mounts.append(k8s.V1VolumeMount(name="file-drop", mount_path=mount, read_only=True))
    res = spec.resources
    return dict(
        name=spec.name,
        namespace=spec.namespace,
        image=spec.image,
        image_pull_policy=spec.image_pull_policy,
        # No cmds: the image ENTRYPOINT is the task, so `docker run IMAGE ARGS` and the pod behave the same.
        secrets=[Secret("env", variable, secret, key) for variable, secret, key in spec.secrets],
        volumes=volumes,
        volume_mounts=mounts,
        container_resources=k8s.V1ResourceRequirements(requests=res.get("requests"), limits=res.get("limits")),
        service_account_name=spec.service_account,
        # The task talks to databases and HTTP, never to the Kubernetes API.
        automount_service_account_token=False,
        labels=dict(spec.labels),
        container_security_context=k8s.V1SecurityContext(
            allow_privilege_escalation=False, run_as_non_root=True, read_only_root_filesystem=True,
            capabilities=k8s.V1Capabilities(drop=["ALL"]),
            seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault")),
        # The XCom sidecar only sleeps and is read with `cat`: it runs unprivileged too (PSA "restricted").
        xcom_sidecar_container_security_context={
            "allowPrivilegeEscalation": False, "runAsNonRoot": True, "runAsUser": 65534,
            "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}},
        get_logs=True,
        log_events_on_failure=True,
        on_finish_action="delete_pod",
        do_xcom_push=True,
        startup_timeout_seconds=600,
    )
