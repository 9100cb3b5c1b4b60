"""The local runner: the same task, arguments and environment as the pod, run as ``java -jar`` on this machine.

Selected with ``SHOPFLOW_RUNNER=local`` for development, ``airflow dags test`` and ``dag.test()``. Where the
pod gets its secret-backed variables from Kubernetes Secrets, this runner copies the same variables from its
own environment, so credentials never pass through arguments, templates or XCom here either.

Exit codes are handled as in :mod:`shopflow.pod`: a fail-fast code fails the task without retries, any other
non-zero code fails the attempt (and Airflow retries it). On success the task's JSON summary (its last stdout
line) is the task's return value, so it lands in XCom exactly as the pod's ``/airflow/xcom/return.json`` does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Collection, Mapping, Sequence

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException

from shopflow.config import FAIL_FAST_EXIT_CODES
from shopflow.intervals import check_run_interval

#: Variables of the worker passed to the process besides the task's own: what a JVM needs to start.
_BASE_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "JAVA_HOME", "JAVA_TOOL_OPTIONS")
#: Prefixes of the apps' own settings (Quarkus and ingest configuration), passed through for development.
_PASS_THROUGH_PREFIXES = ("QUARKUS_", "INGEST_")


def require_one_interval(context, schedule: str | None) -> None:
    """Fails the task (no retries) unless the run's data interval is one interval of ``schedule``."""
    if schedule is None:
        return
    try:
        check_run_interval(context.get("data_interval_start"), context.get("data_interval_end"), schedule)
    except ValueError as wrong:
        raise AirflowFailException(str(wrong)) from None


class LocalJarOperator(BaseOperator):
    """Runs ``java -jar <repo>/tasks/<module>/target/quarkus-app/quarkus-run.jar ARGUMENTS`` and returns its summary.

    :param module: the task's Maven module, e.g. ``extract-db``.
    :param arguments: the command-line arguments (templated), exactly as the pod would get them.
    :param env_vars: plain environment (templated), as the pod would get it.
    :param secret_variables: names of variables the pod takes from Secrets; copied from this process's
        environment (and their ``*_FILE`` variants) when set.
    :param local_variables: other names copied from this process's environment (e.g. ``FILE_DROP_DIR``,
        which a pod gets from its volume mount).
    """

    template_fields: Sequence[str] = ("arguments", "env_vars")
    template_fields_renderers = {"env_vars": "py", "arguments": "py"}
    ui_color = "#f0e4d7"

    def __init__(
        self,
        *,
        module: str,
        arguments: Sequence[str],
        env_vars: Mapping[str, str] | None = None,
        secret_variables: Collection[str] = (),
        local_variables: Collection[str] = (),
        repo: str | os.PathLike = ".",
        java: str = "",
        fail_fast_exit_codes: Collection[int] = FAIL_FAST_EXIT_CODES,
        interval_schedule: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.interval_schedule = interval_schedule
        self.module = module
        self.arguments = list(arguments)
        self.env_vars = dict(env_vars or {})
        self.secret_variables = tuple(secret_variables)
        self.local_variables = tuple(local_variables)
        self.repo = str(repo)
        self.java = java
        self.fail_fast_exit_codes = frozenset(fail_fast_exit_codes)
        self._process: subprocess.Popen | None = None

    def render_template_fields(self, context, jinja_env=None) -> None:
        # Before the templates: a run without a data interval, or with one that is not one schedule interval,
        # fails here with a clear message and without retries (a retry cannot change the run's interval).
        require_one_interval(context, self.interval_schedule)
        super().render_template_fields(context, jinja_env)

    @property
    def jar(self) -> Path:
        return Path(self.repo) / "tasks" / self.module / "target" / "quarkus-app" / "quarkus-run.jar"

    def command(self) -> list[str]:
        return [self._java_binary(), "-jar", str(self.jar), *[str(a) for a in self.arguments]]

    def environment(self, source: Mapping[str, str] | None = None) -> dict[str, str]:
        """The child's environment: JVM basics, the app settings, the copied secrets, then the task's own env."""
        source = os.environ if source is None else source
        env = {k: source[k] for k in _BASE_VARIABLES if k in source}
        env.update({k: v for k, v in source.items() if k.startswith(_PASS_THROUGH_PREFIXES)})
        for name in (*self.secret_variables, *self.local_variables):
            for variant in (name, f"{name}_FILE"):
                if variant in source:
                    env[variant] = source[variant]
        env.update({k: str(v) for k, v in self.env_vars.items()})
        return env

    def execute(self, context):
        if not self.jar.is_file():
            raise AirflowFailException(
                f"{self.jar} does not exist: build it first (./mvnw package -pl tasks/{self.module})")
        command = self.command()
        self.log.info("Running %s", " ".join(command))
        summary = self._run(command, self.environment())
        return summary

    def _run(self, command: list[str], env: dict[str, str]):
        # An empty working directory: Quarkus would read a stray .env or config/ from the worker's cwd.
        workdir = tempfile.TemporaryDirectory(prefix=f"shopflow-{self.module}-")
        try:
            return self._run_in(command, env, workdir.name)
        finally:
            workdir.cleanup()

    def _run_in(self, command: list[str], env: dict[str, str], cwd: str):
        last = ""
        self._process = subprocess.Popen(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
        stderr_lines: list[str] = []
        # stderr is drained on its own thread so a chatty task cannot block on a full pipe.
        drain = threading.Thread(target=self._drain, args=(self._process.stderr, stderr_lines), daemon=True)
        drain.start()
        assert self._process.stdout is not None
        for line in self._process.stdout:
            line = line.rstrip("\n")
            self.log.info("%s", line)
            if line.strip():
                last = line
        code = self._process.wait()
        drain.join(timeout=30)
        if code != 0:
            first = stderr_lines[0] if stderr_lines else "(no message on stderr)"
            message = f"{self.module} exited with code {code}: {first}"
            if code in self.fail_fast_exit_codes:
                raise AirflowFailException(message + " (a retry cannot fix this; not retrying)")
            raise AirflowException(message)
        try:
            return json.loads(last)
        except json.JSONDecodeError:
            raise AirflowException(f"{self.module} exited 0 but its last stdout line is not the JSON summary") from None

    def _drain(self, stream, into: list[str]) -> None:
        for line in stream:
            line = line.rstrip("\n")
            if line.strip():
                into.append(line)
            self.log.warning("%s", line)

    def _java_binary(self) -> str:
        if self.java:
            return self.java
        home = os.environ.get("JAVA_HOME")
        if home and (Path(home) / "bin" / "java").is_file():
            return str(Path(home) / "bin" / "java")
        return shutil.which("java") or "java"

    def on_kill(self) -> None:
        # Airflow kills the task (timeout, marked failed): do not leave the JVM behind holding a partition lock.
        p = self._process
        if p is not None and p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
