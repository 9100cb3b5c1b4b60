#!/usr/bin/env bash
# Runs the DAG tests (pytest) in dags/.venv, creating or refreshing the virtualenv when needed.
# Called by `./mvnw verify` (dags/pom.xml, integration-test phase); runnable by hand as well:
#   dags/run-tests.sh [pytest args...]
# Environment: SHOPFLOW_PYTHON (interpreter to build the venv with; default: the first CPython 3.10-3.14
# found, 3.11 first, the version the constraints were resolved with), SHOPFLOW_TEST_REQUIRE_ALL=1 (fail
# instead of skip when a task jar or a simulator command is missing).
set -euo pipefail
cd "$(dirname "$0")"

. ./venv.sh

exec "$VENV/bin/python" -m pytest "$@"
