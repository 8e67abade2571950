package validators

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/internal/imageref"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
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

// Validate implements engine.Validator. It judges the images of every
// container and of every image volume (volumes[].image.reference): an image
// volume is pulled like a container's image, so a registry the policy does
// not allow must not come in through one.
func (v Images) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	var out []policy.Violation
	w.Containers(func(c *corev1.Container, at workload.Ref) {
		if !mesh.IstioPlaceholder(c) {
			out = append(out, v.image(fmt.Sprintf("container %q", c.Name), c.Image, at.Field("image"), env)...)
		} else if !mesh.IstioFillsImage(w, c, env.Namespace.Labels) {
			// Where Istio's injector gives the proxy its image, pave judges
			// it in each Pod: the template holds a placeholder.
			out = append(out, notFilled(w, at.Field("image")))
		}
	})
	for i, vol := range w.PodSpec.Volumes {
		if vol.Image != nil {
			field := fmt.Sprintf("%s.volumes[%d].image.reference", w.PodSpecPath, i)
			out = append(out, v.image(fmt.Sprintf("image volume %q", vol.Name), vol.Image.Reference, field, env)...)
		}
	}
	return out
}

// image judges one image reference at field; what names whose it is
// (`container "app"`, `image volume "data"`).
func (v Images) image(what, image, field string, env policy.Env) []policy.Violation {
	ref, err := v.Refs.Parse(image)
	if err != nil {
		return []policy.Violation{rulePinned.Violation(field,
			fmt.Sprintf("%s: image %q is not a valid image reference: %v", what, image, err),
			"use registry/repository:tag or registry/repository@sha256:digest")}
	}
	out := pinned(what, image, ref, field)
	if allowed := env.Policy.Spec.Images.AllowedRegistries; len(allowed) > 0 && !ref.From(allowed) {
		out = append(out, ruleRegistry.Violation(field,
			fmt.Sprintf("%s: image %q comes from %s, which the policy does not allow", what, image, ref.Domain),
			fmt.Sprintf("push the image to one of %s and reference it from there", strings.Join(allowed, ", "))))
	}
	return out
}

func pinned(what, image string, ref imageref.Ref, field string) []policy.Violation {
	if ref.Pinned() {
		return nil
	}
	switch {
	case ref.Tag == "":
		return []policy.Violation{rulePinned.Violation(field,
			fmt.Sprintf("%s: image %q has no tag, so it means whatever latest is at pull time", what, image),
			fmt.Sprintf("pin a version: %s:<version> or %s@sha256:<digest>", image, image))}
	case ref.Tag == "latest":
		name := strings.TrimSuffix(image, ":latest")
		return []policy.Violation{rulePinned.Violation(field,
			fmt.Sprintf("%s: image %q uses the tag latest, which changes under a running workload", what, image),
			fmt.Sprintf("pin a version: %s:<version> or %s@sha256:<digest>", name, name))}
	}
	return nil
}

// notFilled is the finding on Istio's image placeholder where Istio's
// injector does not replace it: pulled as it is, "auto" is no image.
func notFilled(w *workload.Workload, field string) policy.Violation {
	what := fmt.Sprintf("container %q: image %q is Istio's placeholder for its proxy's image, which Istio's injector fills in", mesh.IstioProxyName, mesh.IstioImagePlaceholder)
	if w.Kind == "Pod" {
		return rulePinned.Violation(field, what+", and this Pod came through without it",
			fmt.Sprintf("check that Istio's injector runs and selects the namespace or the pod (label %s: \"true\"), then create the Pod again", v1alpha1.LabelIstioInject))
	}
	return rulePinned.Violation(field, what+", and it does not inject these pods",
		fmt.Sprintf("label the pod template %s: \"true\" (Istio's gateway chart does), or the namespace %s: enabled; or name the proxy's image", v1alpha1.LabelIstioInject, v1alpha1.LabelIstioInjection))
}
