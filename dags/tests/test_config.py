"""Settings from the environment: defaults, validation, and that every bad value names its variable."""

from datetime import timedelta

import pendulum
import pytest

from shopflow.config import ConfigError, Settings


def test_defaults_are_pinned_daily_utc_and_retrying():
    s = Settings.from_env({})
    assert s.runner == "kubernetes"
    assert s.schedule == "0 0 * * *"
    assert s.start_date == pendulum.datetime(2026, 11, 1, tz="UTC")
    assert s.images == {
        "extract-db": "ghcr.io/shopflow/extract-db:0.1.0",
        "extract-api": "ghcr.io/shopflow/extract-api:0.1.0",
        "land-files": "ghcr.io/shopflow/land-files:0.1.0",
    }
    assert s.products_api_pool == "products_api"
    assert s.retries.retries >= 2 and s.files_retries.retries >= 2
    assert s.lookback_days == 1
    assert s.chunks("orders") == 1
    # Data (3), like usage (2) and schema (4) errors, fails at once: the rule comes from exit_codes.json.
    assert s.fail_fast_exit_codes == {2, 3, 4}


def test_fail_fast_codes_come_from_the_file_the_java_error_codes_generate():
    import json
    from pathlib import Path

    from shopflow import config

    data = json.loads((Path(config.__file__).with_name("exit_codes.json")).read_text(encoding="utf-8"))
    assert config.FAIL_FAST_EXIT_CODES == frozenset(data["fail_fast_exit_codes"])
    # Every exit code fails fast exactly when none of its error codes is retryable.
    by_exit = {}
    for code in data["error_codes"].values():
        by_exit.setdefault(code["exit_code"], []).append(code["retryable"])
    assert config.FAIL_FAST_EXIT_CODES == frozenset(e for e, r in by_exit.items() if not any(r))


def test_every_knob_is_read_from_shopflow_variables():
    s = Settings.from_env({
        "SHOPFLOW_RUNNER": "local",
        "SHOPFLOW_SCHEDULE": "0 0 * * *",
        "SHOPFLOW_START_DATE": "2026-10-01",
        "SHOPFLOW_CATCHUP": "true",
        "SHOPFLOW_MAX_ACTIVE_RUNS": "3",
        "SHOPFLOW_NAMESPACE": "ingest-prod",
        "SHOPFLOW_SERVICE_ACCOUNT": "ingest-task",
        "SHOPFLOW_IMAGE_EXTRACT_DB": "registry.local/extract-db@sha256:" + "a" * 64,
        "SHOPFLOW_IMAGE_LAND_FILES": "registry.local:5000/land-files:1.2.3",
        "SHOPFLOW_RESOURCES_EXTRACT_DB": '{"requests": {"cpu": "2", "memory": "1Gi"}}',
        "SHOPFLOW_SOURCE_DB_SECRET": "pg-shop",
        "SHOPFLOW_SECRET_KEY_SOURCE_DB_PASSWORD": "password",
        "SHOPFLOW_DB_CHUNKS": "orders=4,order_items=8",
        "SHOPFLOW_LOOKBACK_DAYS": "2",
        "SHOPFLOW_POOL_PRODUCTS_API": "catalog",
        "SHOPFLOW_RETRIES": "5",
        "SHOPFLOW_RETRIES_DELAY_SECONDS": "30",
        "SHOPFLOW_FILES_RETRIES_MAX_DELAY_SECONDS": "600",
        "SHOPFLOW_FAIL_FAST_EXIT_CODES": "2,3,4",
        "SHOPFLOW_TASK_ENV": '{"QUARKUS_LOG_CONSOLE_JSON_ENABLED": "true"}',
    })
    assert s.runner == "local"
    assert s.start_date == pendulum.datetime(2026, 10, 1, tz="UTC")
    assert s.catchup and s.max_active_runs == 3
    assert (s.namespace, s.service_account) == ("ingest-prod", "ingest-task")
    assert s.images["extract-db"].endswith("a" * 64)
    assert s.images["land-files"] == "registry.local:5000/land-files:1.2.3"
    assert s.images["extract-api"] == "ghcr.io/shopflow/extract-api:0.1.0"
    assert s.resources["extract-db"] == {"requests": {"cpu": "2", "memory": "1Gi"}}
    assert s.source_db_secret == "pg-shop"
    assert s.secret_key("SOURCE_DB_PASSWORD") == "password"
    assert s.secret_key("SOURCE_DB_USER") == "SOURCE_DB_USER"
    assert (s.chunks("orders"), s.chunks("order_items"), s.chunks("customers")) == (4, 8, 1)
    assert s.lookback_days == 2
    assert s.products_api_pool == "catalog"
    assert s.retries.retries == 5 and s.retries.delay == timedelta(seconds=30)
    assert s.files_retries.max_delay == timedelta(seconds=600)
    assert s.fail_fast_exit_codes == {2, 3, 4}
    assert s.task_env == {"QUARKUS_LOG_CONSOLE_JSON_ENABLED": "true"}


@pytest.mark.parametrize("variable, value", [
    ("SHOPFLOW_IMAGE_EXTRACT_DB", "ghcr.io/shopflow/extract-db:latest"),
    ("SHOPFLOW_IMAGE_EXTRACT_API", "ghcr.io/shopflow/extract-api"),
    ("SHOPFLOW_IMAGE_LAND_FILES", "registry.local:5000/land-files"),
    ("SHOPFLOW_RUNNER", "docker"),
    ("SHOPFLOW_RETRIES", "1"),
    ("SHOPFLOW_DB_CHUNKS", "orders=0"),
    ("SHOPFLOW_DB_CHUNKS", "payments=2"),
    ("SHOPFLOW_NAMESPACE", "Not_A_Name"),
    ("SHOPFLOW_FAIL_FAST_EXIT_CODES", "1,2"),
    ("SHOPFLOW_RESOURCES_EXTRACT_DB", '{"cpu": 1}'),
    ("SHOPFLOW_START_DATE", "yesterday-ish"),
    ("SHOPFLOW_LOOKBACK_DAYS", "-1"),
])
def test_bad_values_are_refused_naming_the_variable(variable, value):
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env({variable: value})
