// Command image builds pave's container image as an OCI image layout in a
// tarball (an "oci-archive"), with no Docker daemon and nothing pulled: the
// static pave-webhook binary and its admission-only build pave-admission for
// each platform, as one layer onto an empty base, run as a non-root numeric
// user. `make image` runs it; skopeo,
// crane, podman or `docker load` (after conversion) can read the result.
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"sigs.k8s.io/yaml"
)

// User is the numeric user and group the server runs as: the "nonroot" of
// distroless images, never 0.
const User = "65532:65532"

// builds are the executables of the image, in its layer's order, and how
// each is built from ./cmd/webhook: pave-webhook serves every role (the
// entrypoint), pave-admission only admission, without the APIs the
// controller writes (the chart's admission Deployment runs it; a fifth less
// memory, docs/performance.md).
func builds() []struct{ Name, Tags string } {
	return []struct{ Name, Tags string }{{"pave-webhook", ""}, {"pave-admission", "admissiononly"}}
}

func main() {
	out := flag.String("o", "bin/pave-image.tar", "the OCI archive to write")
	version := flag.String("version", "dev", "pave's version: the image's version label and the binary's")
	platforms := flag.String("platforms", "linux/amd64,linux/arm64", "comma-separated os/arch to build for")
	repo := flag.String("repository", "ghcr.io/pave-dev/pave-webhook", "the image's repository")
	tag := flag.String("tag", "", "the image's tag (default: the chart's appVersion, which the chart and manifests deploy)")
	flag.Parse()
	if *tag == "" {
		t, err := ChartTag("charts/pave/Chart.yaml")
		if err != nil {
			fmt.Fprintln(os.Stderr, "image:", err)
			os.Exit(1)
		}
		*tag = t
	}
	if err := run(*out, *version, *repo+":"+*tag, strings.Split(*platforms, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

// ChartTag is the chart's appVersion: the one place pave's release tag is
// written down. The chart's image tag defaults to it, manifests/deploy names
// it (a test holds them together), and `make image` tags what it builds
// with it, so that what is built is what the manifests deploy.
func ChartTag(chart string) (string, error) {
	data, err := os.ReadFile(chart)
	if err != nil {
		return "", fmt.Errorf("read the release tag: %w", err)
	}
	var c struct {
		AppVersion string `json:"appVersion"`
	}
	if err := yaml.Unmarshal(data, &c); err != nil {
		return "", fmt.Errorf("%s: %w", chart, err)
	}
	if c.AppVersion == "" {
		return "", fmt.Errorf("%s: no appVersion; set it to pave's release tag", chart)
	}
	return c.AppVersion, nil
}

// run builds the binaries and writes the archive; ref is repository:tag.
func run(out, version, ref string, platforms []string) error {
	created := sourceTime()
	dir, err := os.MkdirTemp("", "pave-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	binaries := map[string]string{}
	for _, p := range platforms {
		goos, goarch, ok := strings.Cut(p, "/")
		if !ok {
			return fmt.Errorf("-platforms: %q is not os/arch", p)
		}
		platformDir := filepath.Join(dir, goos+"-"+goarch)
		for _, b := range builds() {
			cmd := exec.Command("go", "build", "-trimpath", "-tags", b.Tags, "-ldflags", "-s -w -X github.com/pave-dev/pave/pkg/version.Version="+version,
				"-o", filepath.Join(platformDir, b.Name), "./cmd/webhook")
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			fmt.Fprintf(os.Stderr, "image: building %s for %s\n", b.Name, p)
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("build %s for %s: %w", b.Name, p, err)
			}
		}
		binaries[p] = platformDir
	}
	idx, err := Index(binaries, version, ref, created)
	if err != nil {
		return err
	}
	if err := WriteArchive(out, idx); err != nil {
		return err
	}
	d, _ := idx.Digest()
	fmt.Fprintf(os.Stderr, "image: %s (pave %s; %s; %s) -> %s\n", ref, version, strings.Join(platforms, ", "), d, out)
	return nil
}

// Index assembles one image per platform from the directory of its
// executables (builds) and indexes them under ref (repository:tag).
func Index(binaries map[string]string, version, ref string, created time.Time) (v1.ImageIndex, error) {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range slices.Sorted(maps.Keys(binaries)) {
		goos, goarch, _ := strings.Cut(p, "/")
		img, err := Image(binaries[p], goos, goarch, version, created)
		if err != nil {
			return nil, fmt.Errorf("image for %s: %w", p, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			Platform:    &v1.Platform{OS: goos, Architecture: goarch},
			Annotations: map[string]string{"org.opencontainers.image.ref.name": ref},
		}})
	}
	return idx, nil
}

// Image is the executables of builds, read from dir, as /pave-webhook and
// /pave-admission (root-owned, read and execute only) on an empty base: no
// shell, no package manager, nothing else to patch.
func Image(dir, goos, goarch, version string, created time.Time) (v1.Image, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, b := range builds() {
		data, err := os.ReadFile(filepath.Join(dir, b.Name))
		if err != nil {
			return nil, err
		}
		if err := tw.WriteHeader(&tar.Header{Name: b.Name, Mode: 0o555, Size: int64(len(data)), ModTime: created, Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf.Bytes())), nil },
		tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.Append(base, mutate.Addendum{Layer: layer, MediaType: types.OCILayer, Annotations: map[string]string{"org.opencontainers.image.title": "pave-webhook"}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = goos, goarch
	cf.Config.Entrypoint = []string{"/pave-webhook"}
	cf.Config.User = User
	cf.Config.WorkingDir = "/"
	cf.Config.Labels = map[string]string{
		"org.opencontainers.image.title":   "pave-webhook",
		"org.opencontainers.image.version": version,
		"org.opencontainers.image.source":  "https://github.com/pave-dev/pave",
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, err
	}
	return mutate.CreatedAt(img, v1.Time{Time: created})
}

// WriteArchive writes the index as an OCI image layout (its index.json is
// the index), tarred.
func WriteArchive(out string, idx v1.ImageIndex) error {
	dir, err := os.MkdirTemp("", "pave-oci-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if _, err := layout.Write(dir, idx); err != nil {
		return fmt.Errorf("write OCI layout: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	if err := tw.AddFS(os.DirFS(dir)); err != nil {
		return fmt.Errorf("tar the layout: %w", err)
	}
	return tw.Close()
}

// sourceTime is the last commit's time, so that the same commit gives the
// same image (SOURCE_DATE_EPOCH wins where set).
func sourceTime() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	if b, err := exec.Command("git", "log", "-1", "--format=%ct").Output(); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Unix(0, 0).UTC()
}
