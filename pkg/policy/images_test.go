package policy

import (
	"os"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// The CRD validates allowed registries with the pattern pave checks them
// with, so pave check refuses the policy the API server refuses.
func TestAllowedRegistryPatternIsTheCRDs(t *testing.T) {
	crd, err := os.ReadFile("../../manifests/crds/pave.dev_platformpolicies.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(crd), "allowedRegistries:")
	_, rest, _ = strings.Cut(rest, "pattern: ")
	pattern, _, _ := strings.Cut(rest, "\n")
	if pattern != v1alpha1.AllowedRegistryPattern {
		t.Fatalf("the CRD's pattern\n%s\nis not AllowedRegistryPattern\n%s\nrun make generate after changing either", pattern, v1alpha1.AllowedRegistryPattern)
	}
}

func TestAllowedRegistries(t *testing.T) {
	for entry, ok := range map[string]bool{
		"registry.example.com": true, "ghcr.io/acme": true, "ghcr.io/acme/": true,
		"docker.io/library": true, "localhost": true, "localhost:5000": true,
		"registry:5000": true, "10.0.0.1:5000/team": true, "my-registry.internal/a/b": true,
		"ubuntu": false, "library/ubuntu": false, "Registry.io": false, "ghcr.io//x": false,
		"-bad.io": false, "bad-.io": false, "registry..io": false, "": false, "ghcr.io/Acme": false,
	} {
		err := validateImages(v1alpha1.ImagePolicy{AllowedRegistries: []string{entry}})
		if (err == nil) != ok {
			t.Errorf("%q: error %v, want accepted %v", entry, err, ok)
		}
	}
}
