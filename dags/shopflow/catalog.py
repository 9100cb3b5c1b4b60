"""The task kinds of the contract and what one launch of a task needs, whichever runner starts it.

A :class:`Launch` is the runner-independent description of one task: its command-line arguments, its plain
environment and the environment variables that must come from secrets. The pod runner turns the latter into
``secretKeyRef`` entries; the local runner copies them from its own environment. Nothing secret is ever
part of a ``Launch``: only variable names, Secret names and keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Mapping

from shopflow.config import Retries, Settings

#: Secret-backed contract variables per credential group (CONTRACT section 2).
GROUP_VARIABLES = {
    "source_db": ("SOURCE_DB_URL", "SOURCE_DB_USER", "SOURCE_DB_PASSWORD"),
    "warehouse_db": ("WAREHOUSE_DB_URL", "WAREHOUSE_DB_USER", "WAREHOUSE_DB_PASSWORD"),
    "products_api": ("PRODUCTS_API_URL", "PRODUCTS_API_TOKEN"),
}

#: Set in the pod from the mounted volume; the local runner takes it from its own environment.
FILE_DROP_DIR = "FILE_DROP_DIR"


@dataclass(frozen=True)
class TaskKind:
    """One of the three task applications: its module (also its image name) and what it reads."""

    module: str
    flag: str
    groups: tuple[str, ...]
    reads_file_drop: bool = False


EXTRACT_DB = TaskKind("extract-db", "--table", ("source_db", "warehouse_db"))
EXTRACT_API = TaskKind("extract-api", "--resource", ("products_api", "warehouse_db"))
LAND_FILES = TaskKind("land-files", "--feed", ("warehouse_db",), reads_file_drop=True)


@dataclass(frozen=True)
class SecretEnv:
    """Environment variable ``variable`` taken from key ``key`` of Kubernetes Secret ``secret``."""

    variable: str
    secret: str
    key: str


@dataclass(frozen=True)
class Launch:
    """Everything a runner needs to start one task (or, with ``arguments=None``, a mapped family of them)."""

    task_id: str
    kind: TaskKind
    target: str
    arguments: tuple[str, ...] | None
    env: Mapping[str, str]
    secret_env: tuple[SecretEnv, ...]
    pool: str
    retries: Retries
    timeout: timedelta
    doc: str
    #: False for an initial-load task: its range comes from the run's params, not from one schedule interval.
    one_interval: bool = True

    @property
    def secret_variables(self) -> tuple[str, ...]:
        return tuple(s.variable for s in self.secret_env)


def templated_arguments(kind: TaskKind, target: str) -> tuple[str, ...]:
    """The task's arguments for the run's own data interval, exactly as CONTRACT section 2 spells them."""
    return (kind.flag, target, "--start", "{{ data_interval_start | ts }}", "--end", "{{ data_interval_end | ts }}")


def range_arguments(kind: TaskKind, target: str) -> tuple[str, ...]:
    """The arguments of an initial-load task: the range and the partition length from the run's params, one process
    landing every partition of the range (``--every``), each with its own lock, ledger row and publish."""
    return (kind.flag, target, "--start", "{{ params.start }}", "--end", "{{ params.end }}", "--every", "{{ params.every }}")


def secret_env(settings: Settings, kind: TaskKind) -> tuple[SecretEnv, ...]:
    names = {
        "source_db": settings.source_db_secret,
        "warehouse_db": settings.warehouse_db_secret,
        "products_api": settings.products_api_secret,
    }
    return tuple(SecretEnv(v, names[g], settings.secret_key(v)) for g in kind.groups for v in GROUP_VARIABLES[g])


def plain_env(settings: Settings) -> dict[str, str]:
    """Non-secret environment of every task: the run id for the load ledger and the try number for the summary,
    plus the configured extras."""
    env = dict(settings.task_env)
    # The apps default --run-id and --try-number to these; a pod does not inherit the worker's AIRFLOW_CTX_* variables.
    env["AIRFLOW_CTX_DAG_RUN_ID"] = "{{ run_id }}"
    # Airflow's try number (1 on the first try, 2 on the first retry...), reported in the task's summary.
    env["AIRFLOW_CTX_TRY_NUMBER"] = "{{ ti.try_number }}"
    return env


def launch(settings: Settings, kind: TaskKind, target: str, task_id: str, *, mapped: bool, doc: str) -> Launch:
    pools = {EXTRACT_DB: settings.source_db_pool, EXTRACT_API: settings.products_api_pool,
             LAND_FILES: settings.file_drop_pool}
    return Launch(
        task_id=task_id,
        kind=kind,
        target=target,
        arguments=None if mapped else templated_arguments(kind, target),
        env=plain_env(settings),
        secret_env=secret_env(settings, kind),
        pool=pools[kind],
        retries=settings.files_retries if kind.reads_file_drop else settings.retries,
        timeout=settings.execution_timeout,
        doc=doc,
    )
