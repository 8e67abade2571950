# pave — the paved road for Kubernetes workloads. `make help` lists the targets.
SHELL := /usr/bin/env bash
.DEFAULT_GOAL := help

BIN := $(CURDIR)/bin
CONTROLLER_GEN_VERSION := v0.23.0
CONTROLLER_GEN := $(BIN)/controller-gen-$(CONTROLLER_GEN_VERSION)/controller-gen
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/pave-dev/pave/pkg/version.Version=$(VERSION)
# The fuzz smoke is bounded by executions, not time: a -fuzztime deadline races
# Go's fuzz coordinator on a loaded machine and fails with "context deadline
# exceeded" having found nothing (go.dev/issue/75804, fixed in Go 1.27). Each
# count is about ten seconds of fuzzing here; FUZZTIME=10m make test fuzzes longer.
FUZZTIME ?=
FUZZ := go test -run='^$$' -fuzzminimizetime=5x
# encoding/json's v1 API on the v2 implementation: a third faster decoding of
# typed objects in pave check (docs/decisions.md). Tests run with it too, so
# they test what ships; GOEXPERIMENT= make ... turns it off.
export GOEXPERIMENT ?= jsonv2

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build the pave CLI, the pave-webhook server and its admission-only build (pave-admission) into bin/.
	go build -ldflags '$(LDFLAGS)' -o $(BIN)/pave ./cmd/pave
	go build -ldflags '$(LDFLAGS)' -o $(BIN)/pave-webhook ./cmd/webhook
	go build -ldflags '$(LDFLAGS)' -tags admissiononly -o $(BIN)/pave-admission ./cmd/webhook

IMAGE ?= ghcr.io/pave-dev/pave-webhook
PLATFORMS ?= linux/amd64,linux/arm64

.PHONY: image
image: ## Build pave's image as an OCI archive (bin/pave-image.tar): no Docker daemon, nothing pulled.
	go run ./hack/image -o $(BIN)/pave-image.tar -version $(VERSION) -repository $(IMAGE) -platforms $(PLATFORMS)

.PHONY: demo
demo: build controlplane ## Run pave on a real local control plane: render, apply, see the diff and a denial (Ctrl-C stops).
	go run ./hack/demo

.PHONY: test
test: controlplane ## Run unit, golden, end-to-end (real kube-apiserver, kubectl, helm) and fuzz-smoke tests.
	go vet ./...
	go vet -tags admissiononly ./cmd/webhook # the admission-only build (pave-admission)
	# -count=1: the e2e tests build pave from source at run time, which go test's
	# cache cannot see; a cached pass could hide a broken webhook. -timeout: the
	# e2e package takes about 8 minutes on two idle cores, and go test's default
	# limit of 10 failed a passing run on a busy machine; CI allows 90 minutes.
	PAVE_E2E_REQUIRED=1 PAVE_ASSETS=$(BIN)/assets go test -count=1 -timeout 40m ./...
	# What the admission path lends from one request to the next is shared
	# across goroutines: its tests again under the race detector.
	go test -count=1 -race -run 'Lend' ./pkg/webhook ./pkg/engine
	$(FUZZ) -fuzz=FuzzEngine -fuzztime=$(or $(FUZZTIME),2000x) ./pkg/engine
	$(FUZZ) -fuzz=FuzzToJSON -fuzztime=$(or $(FUZZTIME),150000x) ./pkg/manifest
	$(FUZZ) -fuzz=FuzzReadsStreamsAsKubectlDoes -fuzztime=$(or $(FUZZTIME),30000x) ./pkg/manifest
	$(FUZZ) -fuzz=FuzzHandler -fuzztime=$(or $(FUZZTIME),5000x) ./pkg/webhook
	$(FUZZ) -fuzz=FuzzUnmarshal -fuzztime=$(or $(FUZZTIME),75000x) ./internal/jsondecode
	$(FUZZ) -fuzz=FuzzPlainIsTheLibrarys -fuzztime=$(or $(FUZZTIME),500000x) ./internal/imageref

.PHONY: generate
generate: $(CONTROLLER_GEN) ## Regenerate deepcopy code and CRDs with controller-gen.
	$(CONTROLLER_GEN) object paths=./pkg/api/...
	$(CONTROLLER_GEN) crd paths=./pkg/api/... output:crd:artifacts:config=manifests/crds
	cp manifests/crds/pave.dev_*.yaml charts/pave/crds/

.PHONY: lint
lint: generate ## gofmt, go vet, and check that generated files are up to date.
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "run gofmt -w"; exit 1; }
	go vet ./...
	go vet -tags admissiononly ./cmd/webhook
	@git diff --quiet -- pkg/api manifests/crds || { echo "generated files are stale: commit the output of make generate"; exit 1; }

.PHONY: bench
bench: build controlplane ## Benchmark pave check, the admission hot path (webhook stack, API server, memory; in process against the no-op handler), one admission by container count and a flood of audited denials, each against its baseline (docs/performance.md).
	go run ./hack/bench -n 5000 -pave $(BIN)/pave -out $(BIN)/bench.json
	go run ./hack/webhookbench -bin $(BIN)/pave-webhook -admission-bin $(BIN)/pave-admission -assets $(BIN)/assets -cli $(BIN)/bench.json -out $(BIN)/bench-webhook.json
	go test -run='^$$' -bench=BenchmarkServe -benchtime=3000x -benchmem ./pkg/webhook | tee $(BIN)/bench-serve.txt
	go test -run='^$$' -bench=BenchmarkMutatePatch -benchtime=2000x -benchmem ./pkg/engine | tee $(BIN)/bench-patch.txt
	go test -run='^$$' -bench=BenchmarkHandleContainers -benchtime=20x -benchmem ./pkg/webhook | tee $(BIN)/bench-containers.txt
	go test -run='^$$' -bench=BenchmarkAuditedDenials -benchtime=20000x ./pkg/webhook | tee $(BIN)/bench-audit.txt

.PHONY: controlplane
controlplane: ## Build etcd, kube-apiserver, kube-controller-manager, kubectl and helm into bin/ (cached).
	hack/controlplane.sh

$(CONTROLLER_GEN):
	GOBIN=$(dir $@) go install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_GEN_VERSION)

.PHONY: clean
clean: ## Remove build output (keeps the cached control plane).
	rm -f $(BIN)/pave $(BIN)/bench.json
