package validators

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/internal/imageref"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Images checks that every image is pinned to a tag or digest, and comes from an
// allowed registry when the policy lists registries. Refs, if set, remembers
// the references it parsed.
type Images struct{ Refs *ImageRefs }

var (
	rulePinned = policy.Rule{ID: "image-pinned", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
		Description: "images name a version: a tag other than latest, or a digest"}
	ruleRegistry = policy.Rule{ID: "image-registry", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
		Description: "images come from a registry the policy allows"}
)

// Name implements engine.Validator.
func (Images) Name() string { return "images" }

// Rules implements engine.Validator.
func (Images) Rules() []policy.Rule { return []policy.Rule{rulePinned, ruleRegistry} }

// Validate implements engine.Validator.
func (v Images) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	var out []policy.Violation
	allowed := env.Policy.Spec.Images.AllowedRegistries
	w.Containers(func(c *corev1.Container, at workload.Ref) {
		ref, err := v.Refs.Parse(c.Image)
		if err != nil {
			out = append(out, rulePinned.Violation(at.Field("image"),
				fmt.Sprintf("container %q: image %q is not a valid image reference: %v", c.Name, c.Image, err),
				"use registry/repository:tag or registry/repository@sha256:digest"))
			return
		}
		out = append(out, pinned(c, ref, at)...)
		if len(allowed) > 0 && !fromAllowed(ref, allowed) {
			out = append(out, ruleRegistry.Violation(at.Field("image"),
				fmt.Sprintf("container %q: image %q comes from %s, which the policy does not allow", c.Name, c.Image, ref.Domain),
				fmt.Sprintf("push the image to one of %s and reference it from there", strings.Join(allowed, ", "))))
		}
	})
	return out
}

func pinned(c *corev1.Container, ref imageref.Ref, at workload.Ref) []policy.Violation {
	if ref.Digested {
		return nil
	}
	switch {
	case ref.Tag == "":
		return []policy.Violation{rulePinned.Violation(at.Field("image"),
			fmt.Sprintf("container %q: image %q has no tag, so it means whatever latest is at pull time", c.Name, c.Image),
			fmt.Sprintf("pin a version: %s:<version> or %s@sha256:<digest>", c.Image, c.Image))}
	case ref.Tag == "latest":
		name := strings.TrimSuffix(c.Image, ":latest")
		return []policy.Violation{rulePinned.Violation(at.Field("image"),
			fmt.Sprintf("container %q: image %q uses the tag latest, which changes under a running workload", c.Name, c.Image),
			fmt.Sprintf("pin a version: %s:<version> or %s@sha256:<digest>", name, name))}
	}
	return nil
}

// fromAllowed reports whether the image's repository starts with one of the
// allowed registry prefixes, matched on whole path segments.
func fromAllowed(ref imageref.Ref, allowed []string) bool {
	name := ref.Name // normalized: docker.io/library/nginx
	for _, a := range allowed {
		a = strings.TrimSuffix(a, "/")
		if name == a || strings.HasPrefix(name, a+"/") {
			return true
		}
	}
	return false
}
