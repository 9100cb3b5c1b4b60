"""Builds the operator for a :class:`~shopflow.catalog.Launch` with the configured runner.

Both runners get the same arguments, the same plain environment and the same secret-backed variable
names; only where the process runs (a pod or a local JVM) and where the secrets come from differ.
"""

from __future__ import annotations

from typing import Any

from shopflow.catalog import FILE_DROP_DIR, Launch
from shopflow.config import Settings
from shopflow.podtask import PodSpec

#: Labels every pod carries; the per-task ones (component, target) are added in :func:`labels`.
BASE_LABELS = {"app.kubernetes.io/name": "shopflow-ingest", "app.kubernetes.io/part-of": "shopflow",
               "app.kubernetes.io/managed-by": "airflow"}


#: Where the databases' CA certificate is mounted in a pod (from the Secret SHOPFLOW_DB_CA_SECRET).
DB_CA_DIR = "/etc/shopflow/db-ca"


def db_prefixes(launch: Launch) -> tuple[str, ...]:
    """The contract's variable prefixes of the databases a task connects to (SOURCE_DB, WAREHOUSE_DB)."""
    return tuple(g.upper() for g in launch.kind.groups if g.endswith("_db"))


def labels(launch: Launch) -> dict[str, str]:
    return {**BASE_LABELS, "app.kubernetes.io/component": launch.kind.module, "shopflow.io/target": launch.target}


def common_kwargs(launch: Launch) -> dict[str, Any]:
    r = launch.retries
    return {
        "task_id": launch.task_id,
        "retries": r.retries,
        "retry_delay": r.delay,
        "retry_exponential_backoff": r.backoff,
        "max_retry_delay": r.max_delay,
        "execution_timeout": launch.timeout,
        "pool": launch.pool,
        "doc_md": launch.doc,
    }


class OperatorFactory:
    """Turns launches into operators; ``mapped`` launches are returned as ``.partial(...)`` to ``.expand`` later."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def single(self, launch: Launch):
        return self._cls()(**self._kwargs(launch), arguments=list(launch.arguments))

    def partial(self, launch: Launch):
        # One pod per sub-interval; the cap keeps a big table from taking the whole source pool alone.
        return self._cls().partial(**self._kwargs(launch), max_active_tis_per_dagrun=self.settings.max_parallel_chunks,
                                   map_index_template="{{ task.arguments[3] }}")

    def _cls(self):
        if self.settings.runner == "local":
            from shopflow.local import LocalJarOperator

            return LocalJarOperator
        from shopflow.podtask import PodTaskOperator

        return PodTaskOperator

    def _kwargs(self, launch: Launch) -> dict[str, Any]:
        s = self.settings
        kwargs = common_kwargs(launch)
        kwargs["interval_schedule"] = s.schedule if launch.one_interval else None
        if s.runner == "local":
            kwargs.update(
                module=launch.kind.module,
                env_vars=dict(launch.env),
                secret_variables=launch.secret_variables,
                local_variables=(FILE_DROP_DIR,) if launch.kind.reads_file_drop else (),
                repo=str(s.local_repo),
                java=s.local_java,
                fail_fast_exit_codes=s.fail_fast_exit_codes,
            )
            return kwargs
        # Pods run the production profile (database TLS must be verify-full) and log one JSON object per line;
        # SHOPFLOW_TASK_ENV can override either. The local runner keeps the apps' defaults.
        env = {"QUARKUS_PROFILE": "production", "QUARKUS_LOG_CONSOLE_JSON_ENABLED": "true"}
        if s.db_ca_secret:
            # verify-full against the CA from the Secret, for each database the task talks to.
            for prefix in db_prefixes(launch):
                env[f"{prefix}_SSLMODE"] = "verify-full"
                env[f"{prefix}_SSLROOTCERT"] = f"{DB_CA_DIR}/{s.db_ca_key}"
        env.update(launch.env)
        if launch.kind.reads_file_drop:
            env[FILE_DROP_DIR] = s.file_drop_mount
        # Plain values only: the Kubernetes objects are built when the task runs (see shopflow.podtask).
        kwargs.update(
            env_vars=env,
            pod=PodSpec(
                name=f"shopflow-{launch.kind.module}",
                namespace=s.namespace,
                image=s.images[launch.kind.module],
                image_pull_policy=s.image_pull_policy,
                secrets=tuple((e.variable, e.secret, e.key) for e in launch.secret_env),
                file_drop=(s.file_drop_claim, s.file_drop_mount) if launch.kind.reads_file_drop else None,
                db_ca=(s.db_ca_secret, DB_CA_DIR) if s.db_ca_secret else None,
                resources=dict(s.resources[launch.kind.module]),
                service_account=s.service_account,
                labels=labels(launch),
            ),
            fail_fast_exit_codes=s.fail_fast_exit_codes,
        )
        return kwargs
