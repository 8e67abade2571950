#!/usr/bin/env bash
# Builds the local control plane from Go modules (the module proxy is the only source):
# etcd, kube-apiserver, kube-controller-manager, kubectl and helm. Each lands in
# ./bin/<name>-<version>/ and is built only when missing, so a second run is instant.
# bin/assets/ then links all of them in one place, the layout envtest's
# KUBEBUILDER_ASSETS expects. Usage: hack/controlplane.sh [--print-dir]
set -euo pipefail

KUBE_VERSION=v1.37.2   # must match hack/controlplane/kube/go.mod
ETCD_VERSION=v3.7.3    # must match hack/controlplane/etcd/go.mod
HELM_VERSION=v4.3.1

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/bin"
mkdir -p "$bin"
log() { printf '[controlplane] %s\n' "$*" >&2; }

# heartbeat says every 30 seconds that a long build is still going.
heartbeat() {
  local start=$SECONDS
  while sleep 30; do log "$1: still building ($((SECONDS - start))s)"; done
}

build_kube() {
  local out="$bin/kube-$KUBE_VERSION"
  if [[ -x $out/kube-apiserver && -x $out/kube-controller-manager && -x $out/kubectl ]]; then
    log "kube $KUBE_VERSION: cached in ${out#$root/}"; return
  fi
  log "kube $KUBE_VERSION: building kube-apiserver, kube-controller-manager, kubectl (about 6-10 minutes cold on 2 cores)"
  local v="k8s.io/component-base/version" c="k8s.io/client-go/pkg/version"
  local minor; minor=$(echo "$KUBE_VERSION" | cut -d. -f2)
  local ld="-s -w"
  for p in $v $c; do
    ld+=" -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  heartbeat "kube $KUBE_VERSION" &
  local hb=$!
  trap 'kill '"$hb"' 2>/dev/null || true' EXIT # also when the build fails
  (cd "$root/hack/controlplane/kube" && go build -trimpath -ldflags "$ld" -o "$out.tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl)
  kill "$hb" 2>/dev/null || true
  trap - EXIT
  rm -rf "$out" && mv "$out.tmp" "$out"
  log "kube $KUBE_VERSION: done"
}

build_etcd() {
  local out="$bin/etcd-$ETCD_VERSION"
  if [[ -x $out/etcd ]]; then log "etcd $ETCD_VERSION: cached in ${out#$root/}"; return; fi
  log "etcd $ETCD_VERSION: building (about a minute)"
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  (cd "$root/hack/controlplane/etcd" && go build -trimpath -ldflags "-s -w" -o "$out.tmp/etcd" go.etcd.io/etcd/server/v3)
  rm -rf "$out" && mv "$out.tmp" "$out"
  log "etcd $ETCD_VERSION: done"
}

build_helm() {
  local out="$bin/helm-$HELM_VERSION"
  if [[ -x $out/helm ]]; then log "helm $HELM_VERSION: cached in ${out#$root/}"; return; fi
  log "helm $HELM_VERSION: building (a minute or two)"
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  GOBIN="$out.tmp" go install -trimpath -ldflags "-s -w" "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
  rm -rf "$out" && mv "$out.tmp" "$out"
  log "helm $HELM_VERSION: done"
}

build_etcd
build_helm
build_kube

# One directory with every binary, as KUBEBUILDER_ASSETS wants it.
assets="$bin/assets"
mkdir -p "$assets"
for f in kube-apiserver kube-controller-manager kubectl; do ln -sfn "../kube-$KUBE_VERSION/$f" "$assets/$f"; done
ln -sfn "../etcd-$ETCD_VERSION/etcd" "$assets/etcd"
ln -sfn "../helm-$HELM_VERSION/helm" "$assets/helm"
log "ready: ${assets#$root/} (etcd $ETCD_VERSION, kube $KUBE_VERSION, helm $HELM_VERSION)"
if [[ ${1:-} == --print-dir ]]; then echo "$assets"; fi
