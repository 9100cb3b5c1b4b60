"""Every setting of the ShopFlow DAG, read once at parse time from ``SHOPFLOW_*`` environment variables.

Why environment and not Airflow Variables: the values shape the DAG itself (which tasks exist, how many
chunks, which pools), so they are needed while parsing, and ``Variable.get`` at parse time costs a metadata
DB round trip per parse. The Helm chart sets the same ``SHOPFLOW_*`` variables on the dag-processor,
scheduler, workers and triggerer. See ``dags/README.md`` for the full table.

A bad value raises :class:`ConfigError` during parsing, so it shows up as a DAG import error in the UI
instead of as a strange pod later.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Mapping

import pendulum

#: The task kinds of the contract, keyed by their Maven module / image name.
KINDS = ("extract-db", "extract-api", "land-files")

#: Pinned defaults, bumped with each release of the task images. Never ``latest``.
DEFAULT_IMAGES = {
    "extract-db": "ghcr.io/shopflow/extract-db:0.1.0",
    "extract-api": "ghcr.io/shopflow/extract-api:0.1.0",
    "land-files": "ghcr.io/shopflow/land-files:0.1.0",
}

#: JVM-sized defaults (the images may be native, which needs far less): requests what a run needs,
#: a memory limit as a guard, no CPU limit (throttling a COPY only makes it slower).
DEFAULT_RESOURCES = {
    "extract-db": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
    "extract-api": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
    "land-files": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
}

#: Exit codes Airflow does not retry: usage/config/auth (2), data (3) and schema (4) errors fail at once, since a
#: retry against the same input fails the same way (a corrected file needs a cleared run). Read from
#: ``exit_codes.json``, which a Java test generates from and checks against the tasks' ``ErrorCode``: one rule for
#: both sides. A small file read once at parse time.
EXIT_CODES = json.loads((Path(__file__).with_name("exit_codes.json")).read_text(encoding="utf-8"))
FAIL_FAST_EXIT_CODES: frozenset[int] = frozenset(EXIT_CODES["fail_fast_exit_codes"])

DB_TABLES = ("customers", "orders", "order_items")
RUNNERS = ("kubernetes", "local")
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")  # RFC 1123 label, as Kubernetes wants for names


class ConfigError(ValueError):
    """A ``SHOPFLOW_*`` variable has a value the DAG cannot use; the message names the variable."""


@dataclass(frozen=True)
class Retries:
    """Airflow retry settings of one group of tasks."""

    retries: int
    delay: timedelta
    max_delay: timedelta
    backoff: float


@dataclass(frozen=True)
class Settings:
    """The DAG's configuration. Build it with :meth:`from_env`; the defaults are the production ones."""

    runner: str = "kubernetes"
    dag_id: str = "shopflow_ingest"
    schedule: str = "0 0 * * *"
    start_date: pendulum.DateTime = field(default_factory=lambda: pendulum.datetime(2026, 11, 1, tz="UTC"))
    catchup: bool = False
    max_active_runs: int = 1
    namespace: str = "shopflow"
    service_account: str = "shopflow-task"
    images: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_IMAGES))
    image_pull_policy: str = "IfNotPresent"
    resources: Mapping[str, Mapping] = field(default_factory=lambda: dict(DEFAULT_RESOURCES))
    source_db_secret: str = "shopflow-source-db"
    warehouse_db_secret: str = "shopflow-warehouse-db"
    products_api_secret: str = "shopflow-products-api"
    secret_keys: Mapping[str, str] = field(default_factory=dict)
    db_ca_secret: str = "shopflow-db-ca"
    db_ca_key: str = "ca.crt"
    file_drop_claim: str = "shopflow-file-drop"
    file_drop_mount: str = "/data/file-drop"
    task_env: Mapping[str, str] = field(default_factory=dict)
    db_tables: tuple[str, ...] = DB_TABLES
    db_chunks: Mapping[str, int] = field(default_factory=dict)
    lookback_days: int = 1
    #: Also run ``extract-db verify`` on each re-landed interval, right after its re-land (off by default: it reads the
    #: interval on the source once more). A difference fails the task with exit 3, not retried.
    verify_reland: bool = False
    source_db_pool: str = "shopflow_source_db"
    products_api_pool: str = "products_api"
    file_drop_pool: str = "default_pool"
    max_parallel_chunks: int = 4
    retries: Retries = Retries(3, timedelta(minutes=2), timedelta(minutes=30), 2.0)
    files_retries: Retries = Retries(16, timedelta(minutes=15), timedelta(hours=1), 2.0)
    fail_fast_exit_codes: frozenset[int] = FAIL_FAST_EXIT_CODES
    execution_timeout: timedelta = timedelta(hours=3)
    #: An initial-load task lands a whole history range in one process: hours, not minutes.
    initial_load_timeout: timedelta = timedelta(hours=24)
    local_repo: Path = field(default_factory=lambda: Path(__file__).resolve().parents[2])
    local_java: str = ""

    def chunks(self, table: str) -> int:
        """How many sub-intervals (and so partitions and pods) one interval of ``table`` is split into."""
        return self.db_chunks.get(table, 1)

    def secret_key(self, variable: str) -> str:
        """The key inside the Kubernetes Secret that holds ``variable``; by default the variable's own name."""
        return self.secret_keys.get(variable, variable)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Reads the settings from ``env`` (default ``os.environ``); unset variables keep the defaults."""
        e = _Env(os.environ if env is None else env)
        d = cls()
        images = {k: e.image(f"SHOPFLOW_IMAGE_{_suffix(k)}", d.images[k]) for k in KINDS}
        resources = {k: e.json_object(f"SHOPFLOW_RESOURCES_{_suffix(k)}", d.resources[k]) for k in KINDS}
        tables = e.names("SHOPFLOW_DB_TABLES", d.db_tables)
        chunks = e.counts("SHOPFLOW_DB_CHUNKS", tables)
        return cls(
            runner=e.choice("SHOPFLOW_RUNNER", d.runner, RUNNERS),
            dag_id=e.text("SHOPFLOW_DAG_ID", d.dag_id),
            schedule=e.text("SHOPFLOW_SCHEDULE", d.schedule),
            start_date=e.date("SHOPFLOW_START_DATE", d.start_date),
            catchup=e.flag("SHOPFLOW_CATCHUP", d.catchup),
            max_active_runs=e.integer("SHOPFLOW_MAX_ACTIVE_RUNS", d.max_active_runs, minimum=1),
            namespace=e.k8s_name("SHOPFLOW_NAMESPACE", d.namespace),
            service_account=e.k8s_name("SHOPFLOW_SERVICE_ACCOUNT", d.service_account),
            images=images,
            image_pull_policy=e.choice("SHOPFLOW_IMAGE_PULL_POLICY", d.image_pull_policy, ("IfNotPresent", "Always", "Never")),
            resources=resources,
            source_db_secret=e.k8s_name("SHOPFLOW_SOURCE_DB_SECRET", d.source_db_secret),
            warehouse_db_secret=e.k8s_name("SHOPFLOW_WAREHOUSE_DB_SECRET", d.warehouse_db_secret),
            products_api_secret=e.k8s_name("SHOPFLOW_PRODUCTS_API_SECRET", d.products_api_secret),
            secret_keys=e.secret_keys(),
            # "none": no CA volume (the deployment then sets *_SSLROOTCERT itself, e.g. through SHOPFLOW_TASK_ENV).
            db_ca_secret="" if e.text("SHOPFLOW_DB_CA_SECRET", d.db_ca_secret) == "none"
            else e.k8s_name("SHOPFLOW_DB_CA_SECRET", d.db_ca_secret),
            db_ca_key=e.text("SHOPFLOW_DB_CA_KEY", d.db_ca_key),
            file_drop_claim=e.k8s_name("SHOPFLOW_FILE_DROP_CLAIM", d.file_drop_claim),
            file_drop_mount=e.text("SHOPFLOW_FILE_DROP_MOUNT", d.file_drop_mount),
            task_env=e.json_strings("SHOPFLOW_TASK_ENV"),
            db_tables=tables,
            db_chunks=chunks,
            lookback_days=e.integer("SHOPFLOW_LOOKBACK_DAYS", d.lookback_days, minimum=0),
            verify_reland=e.flag("SHOPFLOW_VERIFY_RELAND", d.verify_reland),
            source_db_pool=e.text("SHOPFLOW_POOL_SOURCE_DB", d.source_db_pool),
            products_api_pool=e.text("SHOPFLOW_POOL_PRODUCTS_API", d.products_api_pool),
            file_drop_pool=e.text("SHOPFLOW_POOL_FILE_DROP", d.file_drop_pool),
            max_parallel_chunks=e.integer("SHOPFLOW_MAX_PARALLEL_CHUNKS", d.max_parallel_chunks, minimum=1),
            retries=e.retries("SHOPFLOW_RETRIES", d.retries),
            files_retries=e.retries("SHOPFLOW_FILES_RETRIES", d.files_retries),
            fail_fast_exit_codes=e.exit_codes("SHOPFLOW_FAIL_FAST_EXIT_CODES", d.fail_fast_exit_codes),
            execution_timeout=timedelta(seconds=e.integer("SHOPFLOW_EXECUTION_TIMEOUT_SECONDS",
                                                          int(d.execution_timeout.total_seconds()), minimum=60)),
            initial_load_timeout=timedelta(seconds=e.integer("SHOPFLOW_INITIAL_LOAD_TIMEOUT_SECONDS",
                                                             int(d.initial_load_timeout.total_seconds()), minimum=60)),
            local_repo=Path(e.text("SHOPFLOW_LOCAL_REPO", str(d.local_repo))),
            local_java=e.text("SHOPFLOW_LOCAL_JAVA", d.local_java),
        )


def _suffix(kind: str) -> str:
    return kind.upper().replace("-", "_")


class _Env:
    """Typed reads of environment variables; each error names the variable and what it expects."""

    def __init__(self, env: Mapping[str, str]):
        self._env = env

    def _raw(self, name: str) -> str | None:
        v = self._env.get(name)
        return None if v is None or v.strip() == "" else v.strip()

    def text(self, name: str, default: str) -> str:
        v = self._raw(name)
        return default if v is None else v

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        v = self.text(name, default)
        if v not in allowed:
            raise ConfigError(f"{name}={v!r}: expected one of {', '.join(allowed)}")
        return v

    def k8s_name(self, name: str, default: str) -> str:
        v = self.text(name, default)
        if len(v) > 253 or not _NAME.match(v):
            raise ConfigError(f"{name}={v!r}: expected a Kubernetes name (lower-case letters, digits, '-')")
        return v

    def flag(self, name: str, default: bool) -> bool:
        v = self._raw(name)
        if v is None:
            return default
        if v.lower() in ("1", "true", "yes", "on"):
            return True
        if v.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name}={v!r}: expected true or false")

    def integer(self, name: str, default: int, minimum: int) -> int:
        v = self._raw(name)
        if v is None:
            return default
        try:
            n = int(v)
        except ValueError:
            raise ConfigError(f"{name}={v!r}: expected an integer") from None
        if n < minimum:
            raise ConfigError(f"{name}={n}: must be at least {minimum}")
        return n

    def date(self, name: str, default: pendulum.DateTime) -> pendulum.DateTime:
        v = self._raw(name)
        if v is None:
            return default
        try:
            parsed = pendulum.parse(v, tz="UTC")
        except Exception:
            raise ConfigError(f"{name}={v!r}: expected an ISO-8601 date such as 2026-11-01") from None
        return parsed.in_timezone("UTC")

    def image(self, name: str, default: str) -> str:
        v = self.text(name, default)
        if "@sha256:" in v:
            return v
        last = v.rsplit("/", 1)[-1]
        if ":" not in last:
            raise ConfigError(f"{name}={v!r}: pin the image with a tag or digest (an untagged image means :latest)")
        if last.rsplit(":", 1)[1] == "latest":
            raise ConfigError(f"{name}={v!r}: 'latest' is not a pinned tag; use a release tag or a digest")
        return v

    def names(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        v = self._raw(name)
        if v is None:
            return default
        items = tuple(s.strip() for s in v.split(",") if s.strip())
        bad = [s for s in items if not re.match(r"^[a-z_][a-z0-9_]*$", s)]
        if not items or bad:
            raise ConfigError(f"{name}={v!r}: expected a comma-separated list of table names")
        return items

    def counts(self, name: str, tables: tuple[str, ...]) -> dict[str, int]:
        v = self._raw(name)
        out: dict[str, int] = {}
        if v is None:
            return out
        for item in v.split(","):
            table, _, n = item.strip().partition("=")
            if table not in tables or not n.strip().isdigit() or not 1 <= int(n) <= 96:
                raise ConfigError(f"{name}={v!r}: expected table=N pairs (N from 1 to 96) for tables {', '.join(tables)}")
            out[table] = int(n)
        return out

    def json_object(self, name: str, default: Mapping) -> Mapping:
        v = self._raw(name)
        if v is None:
            return default
        try:
            parsed = json.loads(v)
        except json.JSONDecodeError:
            raise ConfigError(f"{name}: not valid JSON") from None
        if not isinstance(parsed, dict) or not set(parsed) <= {"requests", "limits"}:
            raise ConfigError(f"{name}: expected a JSON object with 'requests' and/or 'limits'")
        return parsed

    def json_strings(self, name: str) -> dict[str, str]:
        v = self._raw(name)
        if v is None:
            return {}
        try:
            parsed = json.loads(v)
        except json.JSONDecodeError:
            raise ConfigError(f"{name}: not valid JSON") from None
        if not isinstance(parsed, dict) or not all(isinstance(x, str) for x in parsed.values()):
            raise ConfigError(f"{name}: expected a JSON object of string values")
        return parsed

    def secret_keys(self) -> dict[str, str]:
        prefix = "SHOPFLOW_SECRET_KEY_"
        return {k[len(prefix):]: v.strip() for k, v in self._env.items() if k.startswith(prefix) and v.strip()}

    def retries(self, prefix: str, default: Retries) -> Retries:
        r = Retries(
            retries=self.integer(prefix, default.retries, minimum=2),
            delay=timedelta(seconds=self.integer(f"{prefix}_DELAY_SECONDS", int(default.delay.total_seconds()), minimum=1)),
            max_delay=timedelta(seconds=self.integer(f"{prefix}_MAX_DELAY_SECONDS",
                                                     int(default.max_delay.total_seconds()), minimum=1)),
            backoff=default.backoff,
        )
        v = self._raw(f"{prefix}_BACKOFF")
        if v is not None:
            try:
                b = float(v)
            except ValueError:
                raise ConfigError(f"{prefix}_BACKOFF={v!r}: expected a number such as 2.0") from None
            if not math.isfinite(b) or b < 1.0:
                raise ConfigError(f"{prefix}_BACKOFF={v!r}: must be at least 1.0 (1.0 = constant delay)")
            r = Retries(r.retries, r.delay, r.max_delay, b)
        return r

    def exit_codes(self, name: str, default: frozenset[int]) -> frozenset[int]:
        v = self._raw(name)
        if v is None:
            return default
        try:
            codes = frozenset(int(s) for s in v.split(",") if s.strip())
        except ValueError:
            raise ConfigError(f"{name}={v!r}: expected comma-separated exit codes such as 2,3,4") from None
        if 0 in codes or 1 in codes:
            raise ConfigError(f"{name}={v!r}: 0 means landed and 1 means transient; they cannot fail fast")
        return codes
