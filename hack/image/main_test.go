package main

import (
	"debug/elf"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/validate"
	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"
)

// The image is an OCI index with one image per platform: the two builds of
// the server as its only files, the entrypoint, a non-root numeric user; the
// archive reads back as an OCI layout; the same input gives the same digest.
func TestImage(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"pave-webhook", "pave-admission"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("\x7fELF not really: "+name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	created := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	bins := map[string]string{"linux/amd64": dir, "linux/arm64": dir}
	idx, err := Index(bins, "v1.2.3", "ghcr.io/pave-dev/pave-webhook:v1.2.3", created)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(idx); err != nil {
		t.Fatalf("not a valid OCI index: %v", err)
	}
	again, _ := Index(bins, "v1.2.3", "ghcr.io/pave-dev/pave-webhook:v1.2.3", created)
	d1, _ := idx.Digest()
	d2, _ := again.Digest()
	if d1 != d2 {
		t.Errorf("two builds of the same input differ: %s %s", d1, d2)
	}
	m, err := idx.IndexManifest()
	if err != nil || len(m.Manifests) != 2 {
		t.Fatalf("%d manifests (%v), want one per platform", len(m.Manifests), err)
	}
	for _, desc := range m.Manifests {
		img, err := idx.Image(desc.Digest)
		if err != nil {
			t.Fatal(err)
		}
		cf, _ := img.ConfigFile()
		if cf.Config.User != "65532:65532" || len(cf.Config.Entrypoint) != 1 || cf.Config.Entrypoint[0] != "/pave-webhook" || cf.Architecture != desc.Platform.Architecture {
			t.Errorf("%s: user %q entrypoint %v arch %s", desc.Platform, cf.Config.User, cf.Config.Entrypoint, cf.Architecture)
		}
		if cf.Config.Labels["org.opencontainers.image.version"] != "v1.2.3" {
			t.Errorf("version label %v", cf.Config.Labels)
		}
		var files []string
		rc := mutate.Extract(img)
		tr := newTarReader(rc)
		for {
			h, err := tr.Next()
			if err != nil {
				break
			}
			files = append(files, h.Name)
			if h.Mode&0o222 != 0 {
				t.Errorf("%s is writable (mode %o)", h.Name, h.Mode)
			}
		}
		rc.Close()
		if !slices.Equal(files, []string{"pave-webhook", "pave-admission"}) {
			t.Errorf("files %v: the two builds and nothing else (no shell)", files)
		}
	}
	out := filepath.Join(t.TempDir(), "pave.tar")
	if err := WriteArchive(out, idx); err != nil {
		t.Fatal(err)
	}
	back := readArchive(t, out)
	if d, _ := back.Digest(); d != d1 {
		t.Errorf("the layout's index is %s, want %s", d, d1)
	}
	if err := validate.Index(back); err != nil {
		t.Errorf("the archive's index does not validate: %v", err)
	}
}

// What `make image` tags is what the manifests deploy: the chart's
// appVersion names the image in every Deployment of manifests/deploy (the
// chart's own tag defaults to it), so a release bump cannot leave one behind.
func TestManifestsDeployTheImageMakeBuilds(t *testing.T) {
	tag, err := ChartTag("../../charts/pave/Chart.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := "ghcr.io/pave-dev/pave-webhook:" + tag
	files, _ := filepath.Glob("../../manifests/deploy/*.yaml")
	var seen int
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(data), "\n---") {
			var d appsv1.Deployment
			if err := yaml.Unmarshal([]byte(doc), &d); err != nil || d.Kind != "Deployment" {
				continue
			}
			for _, c := range d.Spec.Template.Spec.Containers {
				seen++
				if c.Image != want {
					t.Errorf("%s: Deployment %s runs %s; make image builds %s", f, d.Name, c.Image, want)
				}
			}
		}
	}
	if seen < 2 {
		t.Errorf("found %d containers in manifests/deploy; want the admission server and the controller", seen)
	}
	if _, err := ChartTag(filepath.Join(t.TempDir(), "none.yaml")); err == nil {
		t.Error("a missing chart gave a tag")
	}
}

// What `make image` builds from the source, read back from the archive as a
// registry-less tool would: the binary in the image is a static executable
// for the platform (no dynamic loader, so no libc in an empty base).
func TestRunBuildsAStaticServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pave-webhook")
	}
	out := filepath.Join(t.TempDir(), "pave.tar")
	t.Chdir("../..") // go build ./cmd/webhook, as make runs it
	if err := run(out, "v0.0.0-test", "example.test/pave-webhook:v0.0.0-test", []string{"linux/amd64"}); err != nil {
		t.Fatal(err)
	}
	idx := readArchive(t, out)
	m, _ := idx.IndexManifest()
	if len(m.Manifests) != 1 || m.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "example.test/pave-webhook:v0.0.0-test" {
		t.Fatalf("index %+v", m.Manifests)
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	tr := newTarReader(mutate.Extract(img))
	for _, name := range []string{"pave-webhook", "pave-admission"} {
		if h, err := tr.Next(); err != nil || h.Name != name {
			t.Fatalf("file %v (%v), want %s", h, err, name)
		}
		bin := filepath.Join(t.TempDir(), name)
		data, _ := io.ReadAll(tr)
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
		staticFor(t, bin, elf.EM_X86_64)
	}
}

// staticFor fails unless bin is a statically linked executable for machine.
func staticFor(t *testing.T, bin string, machine elf.Machine) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("%s: not an ELF executable: %v", bin, err)
	}
	defer f.Close()
	if f.Machine != machine {
		t.Errorf("%s: machine %s, want %s", bin, f.Machine, machine)
	}
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			t.Errorf("%s: dynamically linked: an empty base has no loader to run it", bin)
		}
	}
}
