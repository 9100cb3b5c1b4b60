#!/usr/bin/env bash
# Runs the DAG tests (pytest) in dags/.venv, creating or refreshing the virtualenv when needed.
# Called by `./mvnw verify` (dags/pom.xml, integration-test phase); runnable by hand as well:
#   dags/run-tests.sh [pytest args...]
# Environment: SHOPFLOW_PYTHON (interpreter to build the venv with; default: the first CPython 3.10-3.14
# found, 3.11 first, the version the constraints were resolved with), SHOPFLOW_TEST_REQUIRE_ALL=1 (fail
# instead of skip when a task jar or a simulator command is missing).
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
STAMP="$VENV/.requirements.sha256"
# uv (from PyPI) installs the ~150 pinned packages in seconds where pip takes minutes; pip is the fallback.
UV_VERSION=0.13.9

supported() {  # CPython >= 3.10 and < 3.15 with the venv module (Airflow 3.3's range)
  "$1" -c 'import sys, venv; sys.exit(not ((3, 10) <= sys.version_info[:2] < (3, 15)))' 2>/dev/null
}

pick_python() {
  local c
  for c in ${SHOPFLOW_PYTHON:-} python3.11 python3.12 python3.13 python3.10 python3; do
    if command -v "$c" >/dev/null 2>&1 && supported "$c"; then command -v "$c"; return 0; fi
  done
  return 1
}

if ! PY=$(pick_python); then
  echo "run-tests.sh: no CPython 3.10-3.14 with venv found; install python3 and python3-venv, or set SHOPFLOW_PYTHON" >&2
  exit 2
fi
WANT=$( { "$PY" -c 'import sys; print(sys.version)'; echo "uv $UV_VERSION"; cat requirements-test.txt constraints-test.txt; } \
  | sha256sum | cut -d' ' -f1)

if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  t0=$(date +%s)
  echo "run-tests.sh: building $VENV with $("$PY" --version) from requirements-test.txt (pinned by constraints-test.txt)"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  if "$VENV/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" \
      && "$VENV/bin/uv" pip install -q --python "$VENV/bin/python" -r requirements-test.txt -c constraints-test.txt; then
    :
  else
    echo "run-tests.sh: uv could not install the requirements; falling back to pip" >&2
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements-test.txt -c constraints-test.txt
  fi
  echo "$WANT" > "$STAMP"
  echo "run-tests.sh: virtualenv ready in $(( $(date +%s) - t0 )) s"
else
  echo "run-tests.sh: reusing $VENV (requirements unchanged)"
fi

exec "$VENV/bin/python" -m pytest "$@"
