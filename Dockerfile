# For those who build with Docker. `make image` builds the same image with no
# daemon (hack/image): the static pave-webhook on an empty base, non-root.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# As the Makefile builds and tests it: json v2 under encoding/json (docs/decisions.md).
ENV GOEXPERIMENT=jsonv2
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/pave-dev/pave/pkg/version.Version=${VERSION}" -o /out/pave-webhook ./cmd/webhook

FROM scratch
COPY --from=build --chmod=0555 /out/pave-webhook /pave-webhook
USER 65532:65532
ENTRYPOINT ["/pave-webhook"]
