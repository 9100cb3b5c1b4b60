#!/usr/bin/env bash
# One command, a local Airflow 3 running the ShopFlow DAG on the simulator's sources (see dags/README.md):
#   dags/airflow-local.sh [--port 8080] [--days N] [--backfill FROM:TO [--screenshot grid.png] [--exit]]
# Needs only a JDK >= 21 (JAVA_HOME or java on PATH) and CPython 3.10-3.14 with venv; builds the task jars
# (./mvnw -B package -DskipTests) when they are missing and dags/.venv when it is missing or stale.
# Prints the UI address when ready; Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"

missing=0
for m in extract-db extract-api land-files simulator; do
  [ -f "../tasks/$m/target/quarkus-app/quarkus-run.jar" ] || missing=1
done
if [ "$missing" = 1 ]; then
  echo "airflow-local.sh: building the task jars (../mvnw -B package -DskipTests)"
  (cd .. && ./mvnw -B -q package -DskipTests)
fi

. ./venv.sh

export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
exec "$VENV/bin/python" -m airflow_local "$@"
