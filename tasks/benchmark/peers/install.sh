#!/usr/bin/env bash
# Installs one pinned requirements file of the benchmark's peer tools (Sling, dlt) into a virtualenv, creating the
# virtualenv when needed and skipping the install when that file is unchanged since the last success.
#   tasks/benchmark/peers/install.sh VENV REQUIREMENTS
# On failure the last line on stderr says why, in one line (PeerBenchmark.java puts it in the report).
set -euo pipefail
VENV=$1
REQ=$2
PY=${SHOPFLOW_PYTHON:-python3}
# uv (from PyPI) installs in seconds where pip takes a minute; pip is the fallback. The same version as dags/run-tests.sh.
# --compile-bytecode as pip does, so that the first measured run does not pay for compiling the imports.
UV_VERSION=0.13.9
STAMP="$VENV/.$(basename "$REQ").sha256"
WANT=$( { "$PY" -c 'import sys; print(sys.version)'; cat "$REQ"; } | sha256sum | cut -d' ' -f1)

if [ -x "$VENV/bin/python" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$WANT" ]; then
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV" || { echo "$PY -m venv failed (is python3-venv installed?)" >&2; exit 1; }
fi
LOG="$VENV/install-$(basename "$REQ" .txt).log"
if { [ -x "$VENV/bin/uv" ] || "$VENV/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"; } >"$LOG" 2>&1 \
    && "$VENV/bin/uv" pip install -q --compile-bytecode --python "$VENV/bin/python" -r "$REQ" >>"$LOG" 2>&1; then
  :
elif "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ" >>"$LOG" 2>&1; then
  :
else
  # The last error line of the installer, which names the package or the network failure.
  echo "pip install -r $(basename "$REQ") failed: $(grep -iE 'error|failed|no matching|not find' "$LOG" | tail -1 | cut -c1-200)" >&2
  exit 1
fi
echo "$WANT" > "$STAMP"
