"""The pod runner's task as Airflow parses it: plain values, no Kubernetes client.

The provider's ``KubernetesPodOperator`` module imports the ``kubernetes`` and ``kubernetes_asyncio`` clients
(about 1,500 modules: seconds per parse, 16-33 s on a loaded 2-core node), and every task process parses the
DAG file. So the DAG holds a :class:`PodTaskOperator` with the pod described in plain values, and only when
the task runs does it build the :class:`~shopflow.pod.ShopflowPodOperator` with those values and the rendered
arguments and environment, and run it. Everything the pod operator does (pod creation and reattachment,
logs, XCom sidecar, fail-fast exit codes, ``on_kill``) is the provider's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Mapping, Sequence

from airflow.sdk import BaseOperator

from shopflow.config import FAIL_FAST_EXIT_CODES
from shopflow.local import require_one_interval


@dataclass(frozen=True)
class PodSpec:
    """What the pod needs besides its arguments and plain environment. Secrets are (variable, Secret, key)."""

    name: str
    namespace: str
    image: str
    image_pull_policy: str
    secrets: tuple[tuple[str, str, str], ...]
    file_drop: tuple[str, str] | None  # (PVC claim, mount path), mounted read-only
    db_ca: tuple[str, str] | None  # (Secret name, mount directory): the databases' CA certificate, read-only
    resources: Mapping[str, Mapping[str, str]]
    service_account: str
    labels: Mapping[str, str]


class PodTaskOperator(BaseOperator):
    """Runs the task as a pod: builds a ``ShopflowPodOperator`` at execution time and runs it."""

    template_fields: Sequence[str] = ("arguments", "env_vars")
    template_fields_renderers = {"env_vars": "py", "arguments": "py"}
    ui_color = "#e4f0e8"

    def __init__(self, *, pod: PodSpec, arguments: Sequence[str] = (), env_vars: Mapping[str, str] | None = None,
                 fail_fast_exit_codes: Collection[int] = FAIL_FAST_EXIT_CODES, interval_schedule: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.pod = pod
        self.arguments = list(arguments)
        self.env_vars = dict(env_vars or {})
        self.labels = dict(pod.labels)
        self.fail_fast_exit_codes = frozenset(fail_fast_exit_codes)
        self.interval_schedule = interval_schedule
        self._operator = None

    def render_template_fields(self, context, jinja_env=None) -> None:
        require_one_interval(context, self.interval_schedule)  # as the local runner: see shopflow.local
        super().render_template_fields(context, jinja_env)

    def pod_operator(self):
        """The provider's operator for this task, with the arguments and environment as rendered so far."""
        from shopflow.pod import ShopflowPodOperator, pod_settings

        return ShopflowPodOperator(task_id=self.task_id, arguments=[str(a) for a in self.arguments],
                                   env_vars={k: str(v) for k, v in self.env_vars.items()},
                                   fail_fast_exit_codes=self.fail_fast_exit_codes, **pod_settings(self.pod))

    def build_pod_request_obj(self, context=None):
        return self.pod_operator().build_pod_request_obj(context)

    @property
    def on_finish_action(self):
        return self.pod_operator().on_finish_action

    @property
    def get_logs(self) -> bool:
        return self.pod_operator().get_logs

    def execute(self, context):
        self._operator = operator = self.pod_operator()
        # The inner execute is this task's own work, not a stray call from user code: no "outside the Task
        # Runner" warning in every task log. The tracker is Airflow-internal: without it, only the warning comes back.
        try:
            from airflow.sdk.bases.operator import ExecutorSafeguard

            tracker = ExecutorSafeguard.tracker
        except (ImportError, AttributeError):
            return operator.execute(context)
        token = tracker.set(operator)
        try:
            return operator.execute(context)
        finally:
            tracker.reset(token)

    def on_kill(self) -> None:
        if self._operator is not None:
            self._operator.on_kill()  # deletes the pod
