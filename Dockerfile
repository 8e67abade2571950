# For those who build with Docker. `make image` builds the same image with no
# daemon (hack/image): the static pave-webhook and its admission-only build
# pave-admission (the chart's admission replicas run it) on an empty base,
# non-root.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# As the Makefile builds and tests it: json v2 under encoding/json (docs/decisions.md).
ENV GOEXPERIMENT=jsonv2
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/pave-dev/pave/pkg/version.Version=${VERSION}" -o /out/pave-webhook ./cmd/webhook && \
    CGO_ENABLED=0 go build -trimpath -tags admissiononly -ldflags "-s -w -X github.com/pave-dev/pave/pkg/version.Version=${VERSION}" -o /out/pave-admission ./cmd/webhook

FROM scratch
COPY --from=build --chmod=0555 /out/pave-webhook /out/pave-admission /
USER 65532:65532
ENTRYPOINT ["/pave-webhook"]
