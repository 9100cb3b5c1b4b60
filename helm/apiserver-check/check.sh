#!/usr/bin/env bash
# Opt-in check (not in CI): installs the chart with helm into a real kube-apiserver started here on Debian's etcd,
# and creates the DAG's rendered pods in it with `kubectl create --dry-run=server`.
#   helm/apiserver-check/check.sh
# What it proves, each step failing the check when it does not hold:
#   1. every rendered manifest passes the API server's strict field validation (kubectl apply --dry-run=server
#      --validate=strict), pool Job included (rendered as a plain Job: there is no kubelet to finish a hook Job);
#   2. without Airflow's namespace the install fails (documented: install Airflow first); with it, helm installs
#      the release and the RBAC objects are accepted;
#   3. Airflow's worker service account may create/get pods, get pods/log and create pods/exec in the tasks
#      namespace (kubectl auth can-i), and may not read Secrets there nor create pods elsewhere;
#   4. the pods the DAG renders (dags/tests/test_pod_schema.py writes them) are accepted by the API server,
#      created as that service account, in a namespace that enforces Pod Security "restricted".
# Needs: go (builds kube-apiserver and helm once into ~/.cache, see build-tools.sh), etcd (Debian etcd-server),
# kubectl, openssl, python3 with venv (the DAG tests' virtualenv).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
t_start=$SECONDS
mapfile -t TOOLS < <(helm/apiserver-check/build-tools.sh | tail -2)
APISERVER=${TOOLS[0]}; HELM=${TOOLS[1]}
for tool in etcd kubectl openssl; do command -v "$tool" >/dev/null || { echo "check: $tool is required" >&2; exit 2; }; done

WORK=$(mktemp -d /tmp/shopflow-apiserver.XXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pass() { echo "  ok: $*"; }
fail() { echo "  FAILED: $*" >&2; exit 1; }

ETCD_PORT=$(free_port); ETCD_PEER=$(free_port); API_PORT=$(free_port)
echo "== etcd on 127.0.0.1:$ETCD_PORT, kube-apiserver $("$APISERVER" --version) on 127.0.0.1:$API_PORT"
etcd --data-dir "$WORK/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-cluster "default=http://127.0.0.1:$ETCD_PEER" > "$WORK/etcd.log" 2>&1 &
PIDS+=($!)
openssl genrsa -out "$WORK/sa.key" 2048 2>/dev/null
openssl rsa -in "$WORK/sa.key" -pubout -out "$WORK/sa.pub" 2>/dev/null
TOKEN=$(openssl rand -hex 16)
echo "$TOKEN,check-admin,check-admin,system:masters" > "$WORK/tokens.csv"
t_api=$SECONDS
"$APISERVER" --etcd-servers "http://127.0.0.1:$ETCD_PORT" --bind-address 127.0.0.1 --secure-port "$API_PORT" \
  --cert-dir "$WORK/certs" --token-auth-file "$WORK/tokens.csv" --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$WORK/sa.pub" \
  --service-account-signing-key-file "$WORK/sa.key" --service-cluster-ip-range 10.96.0.0/16 > "$WORK/apiserver.log" 2>&1 &
PIDS+=($!)
export KUBECONFIG="$WORK/kubeconfig"
kubectl config set-cluster check --server "https://127.0.0.1:$API_PORT" --insecure-skip-tls-verify=true >/dev/null
kubectl config set-credentials admin --token "$TOKEN" >/dev/null
kubectl config set-context check --cluster check --user admin >/dev/null
kubectl config use-context check >/dev/null
for _ in $(seq 1 120); do kubectl get --raw /readyz >/dev/null 2>&1 && break; sleep 0.5; done
kubectl get --raw /readyz >/dev/null || { tail -20 "$WORK/apiserver.log"; fail "kube-apiserver did not become ready"; }
echo "  ready in $((SECONDS - t_api)) s"
CHART=helm/shopflow-ingest
VALUES=$CHART/ci/prod-values.yaml
TASKS_NS=shopflow-tasks
AIRFLOW_NS=$(sed -n 's/^  namespace: *//p' "$VALUES" | head -1)
SA_WORKER=system:serviceaccount:$AIRFLOW_NS:airflow-worker
# No kubelet: a hook Job would never complete. poolJob.helmHook=false makes it a plain Job that is validated
# and stored, and helm does not wait for it.
HELM_ARGS=(-n "$TASKS_NS" -f "$VALUES" --set poolJob.helmHook=false)

echo "== 1. strict server-side validation of every rendered manifest"
kubectl create namespace "$TASKS_NS" >/dev/null
kubectl create namespace "$AIRFLOW_NS" --dry-run=client -o yaml > "$WORK/airflow-ns.yaml"
"$HELM" template shopflow-ingest "$CHART" "${HELM_ARGS[@]}" --kube-version "$("$APISERVER" --version | cut -d" " -f2)" > "$WORK/rendered.yaml"
kinds=$(grep -c '^kind:' "$WORK/rendered.yaml")
kubectl apply -f "$WORK/airflow-ns.yaml" --dry-run=server >/dev/null
kubectl create -f "$WORK/airflow-ns.yaml" >/dev/null
kubectl apply --dry-run=server --validate=strict -f "$WORK/rendered.yaml" > "$WORK/apply.txt" 2>&1 \
  || { cat "$WORK/apply.txt"; fail "the API server refuses a rendered manifest"; }
pass "$kinds objects accepted with --validate=strict: $(grep -o '^[^ ]*' "$WORK/apply.txt" | tr '\n' ' ')"
kubectl delete namespace "$AIRFLOW_NS" --wait=false >/dev/null

echo "== 2. helm install"
# Without a kube-controller-manager a deleted namespace stays Terminating; use a fresh name for the negative case.
if "$HELM" install shopflow-ingest "$CHART" "${HELM_ARGS[@]}" --set airflow.namespace=no-such-airflow > "$WORK/helm-fail.txt" 2>&1; then
  fail "helm install succeeded although Airflow's namespace does not exist"
fi
grep -q 'namespaces "no-such-airflow" not found' "$WORK/helm-fail.txt" || { cat "$WORK/helm-fail.txt"; fail "unexpected failure"; }
pass "without Airflow's namespace: $(grep -o 'namespaces "no-such-airflow" not found' "$WORK/helm-fail.txt" | head -1) (install Airflow first)"
"$HELM" uninstall shopflow-ingest -n "$TASKS_NS" >/dev/null 2>&1 || true
AIRFLOW_NS2=$AIRFLOW_NS-2
kubectl create namespace "$AIRFLOW_NS2" >/dev/null
t_helm=$SECONDS
"$HELM" install shopflow-ingest "$CHART" "${HELM_ARGS[@]}" --set airflow.namespace="$AIRFLOW_NS2" --wait=false > "$WORK/helm.txt" 2>&1 \
  || { cat "$WORK/helm.txt"; fail "helm install failed"; }
pass "helm install: $(grep '^STATUS' "$WORK/helm.txt") in $((SECONDS - t_helm)) s"
kubectl get role,rolebinding,serviceaccount -n "$TASKS_NS" -o name | sed 's/^/     /'
kubectl get configmap,job -n "$AIRFLOW_NS2" -o name | sed 's/^/     /'
AIRFLOW_NS=$AIRFLOW_NS2
SA_WORKER=system:serviceaccount:$AIRFLOW_NS:airflow-worker

echo "== 3. kubectl auth can-i as $SA_WORKER"
can() { kubectl auth can-i "$@" --as "$SA_WORKER" 2>/dev/null || true; }
for check in "create pods" "get pods" "watch pods" "delete pods" "get pods/log" "create pods/exec" "list events"; do
  # shellcheck disable=SC2086
  [ "$(can $check -n "$TASKS_NS")" = yes ] && pass "$check in $TASKS_NS: yes" || fail "$check in $TASKS_NS is not allowed"
done
[ "$(can get secrets -n "$TASKS_NS")" = no ] && pass "get secrets in $TASKS_NS: no" || fail "the worker may read Secrets"
[ "$(can create pods -n default)" = no ] && pass "create pods in default: no" || fail "the worker may create pods outside $TASKS_NS"

echo "== 4. the DAG's pods, kubectl create --dry-run=server as $SA_WORKER, Pod Security restricted"
kubectl label namespace "$TASKS_NS" pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=latest >/dev/null
POD_SPEC_OUTPUT_DIR="$WORK/pods" dags/run-tests.sh tests/test_pod_schema.py -q > "$WORK/pytest.txt" 2>&1 \
  || { cat "$WORK/pytest.txt"; fail "rendering the pods failed"; }
n=0
for pod in "$WORK"/pods/*.json; do
  out=$(kubectl create --dry-run=server -f "$pod" --as "$SA_WORKER" -o name 2>&1) || { echo "$out"; fail "$(basename "$pod") refused"; }
  echo "$out" | grep -qi warning && { echo "$out"; fail "$(basename "$pod"): warnings"; }
  pass "$(basename "$pod" .json): $out"
  n=$((n + 1))
done
[ "$n" -ge 4 ] || fail "expected at least 4 rendered pods, found $n"
echo "check passed in $((SECONDS - t_start)) s (tools cached in ${SHOPFLOW_KUBE_CACHE:-$HOME/.cache/shopflow-ingest/kube})"
