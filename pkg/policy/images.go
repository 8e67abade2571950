package policy

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// allowedRegistry is the CRD's pattern of an allowed registry.
var allowedRegistry = regexp.MustCompile(v1alpha1.AllowedRegistryPattern)

// validateImages checks spec.images as the CRD does, saying what to write
// instead.
func validateImages(p v1alpha1.ImagePolicy) error {
	for i, e := range p.AllowedRegistries {
		if allowedRegistry.MatchString(e) {
			continue
		}
		field := fmt.Sprintf("spec.images.allowedRegistries[%d]", i)
		host, _, _ := strings.Cut(e, "/")
		if host != "" && !strings.ContainsAny(host, ".:") && host != "localhost" {
			// Image references read such a first part as a Docker Hub
			// path, so no image would ever come from it.
			return fmt.Errorf("%s: %q names no registry host (a host has a dot or a port, or is localhost), so it would allow nothing; for Docker Hub write docker.io/library/%s (its official images) or docker.io/<organisation>", field, e, e)
		}
		return fmt.Errorf("%s: %q is not a registry host with an optional path: write it in lower case, as registry.example.com, ghcr.io/acme or localhost:5000", field, e)
	}
	return nil
}
