# Sourced by run-tests.sh and airflow-local.sh (from dags/): makes or reuses dags/.venv from the pinned
# requirements-test.txt and constraints-test.txt. Sets VENV. SHOPFLOW_PYTHON picks the interpreter.
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
  echo "$(basename "$0"): no CPython 3.10-3.14 with venv found; install python3 and python3-venv, or set SHOPFLOW_PYTHON" >&2
  exit 2
fi
WANT=$( { "$PY" -c 'import sys; print(sys.version)'; echo "uv $UV_VERSION"; cat requirements-test.txt constraints-test.txt; } \
  | sha256sum | cut -d' ' -f1)

if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  t0=$(date +%s)
  echo "$(basename "$0"): building $VENV with $("$PY" --version) from requirements-test.txt (pinned by constraints-test.txt)"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  if "$VENV/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" \
      && "$VENV/bin/uv" pip install -q --python "$VENV/bin/python" -r requirements-test.txt -c constraints-test.txt; then
    :
  else
    echo "$(basename "$0"): uv could not install the requirements; falling back to pip" >&2
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements-test.txt -c constraints-test.txt
  fi
  echo "$WANT" > "$STAMP"
  echo "$(basename "$0"): virtualenv ready in $(( $(date +%s) - t0 )) s"
else
  echo "$(basename "$0"): reusing $VENV (requirements unchanged)"
fi

