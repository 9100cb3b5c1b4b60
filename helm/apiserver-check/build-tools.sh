#!/usr/bin/env bash
# Builds the tools the opt-in API-server check needs, once, into a cache outside the repository:
#   kube-apiserver  from k8s.io/kubernetes through a wrapper module (about 15 min on 2 cores)
#   helm            with go install (about 5 min)
# k8s.io/kubernetes cannot be `go install`ed: its go.mod replaces the k8s.io/* staging modules with
# directories inside its own tree. The wrapper module requires it and replaces those modules with
# their published versions (v0.X.Y for Kubernetes v1.X.Y) instead.
set -euo pipefail
KUBE_VERSION=${KUBE_VERSION:-v1.34.4}
HELM_VERSION=${HELM_VERSION:-v3.19.0}
CACHE=${SHOPFLOW_KUBE_CACHE:-$HOME/.cache/shopflow-ingest/kube}
BIN="$CACHE/bin"
mkdir -p "$BIN"
command -v go >/dev/null || { echo "go is required (https://go.dev/dl or Debian's golang)" >&2; exit 1; }

if [ ! -x "$BIN/kube-apiserver-$KUBE_VERSION" ]; then
  src="$CACHE/src-$KUBE_VERSION"
  rm -rf "$src" && mkdir -p "$src" && cd "$src"
  go mod init shopflow.local/kube-apiserver >/dev/null 2>&1
  gomod=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/^\s*"GoMod": "\(.*\)",\?$/\1/p')
  staging="v0.${KUBE_VERSION#v1.}"
  {
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    # each "k8s.io/x => ./staging/src/k8s.io/x" line becomes "k8s.io/x => k8s.io/x v0.Y.Z"
    sed -n 's#^\s*\(k8s\.io/[^ ]*\) => \./staging/src/.*#replace \1 => \1 '"$staging"'#p' "$gomod"
  } >> go.mod
  cat > main.go <<'GO'
package main

import (
	"os"

	_ "k8s.io/component-base/logs/json/register"
	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
GO
  go mod tidy
  go build -o "$BIN/kube-apiserver-$KUBE_VERSION" \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$KUBE_VERSION" | cut -d. -f2)" .
fi

if [ ! -x "$BIN/helm-$HELM_VERSION" ]; then
  GOBIN="$CACHE/gobin" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  mv "$CACHE/gobin/helm" "$BIN/helm-$HELM_VERSION"
fi
echo "$BIN/kube-apiserver-$KUBE_VERSION"
echo "$BIN/helm-$HELM_VERSION"
