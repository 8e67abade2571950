package policy

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/pave-dev/pave/internal/imageref"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// validateSidecar refuses, in istio mode, a proxy that would keep the
// workloads it is injected into from running or from being admitted.
func validateSidecar(s v1alpha1.PlatformPolicySpec) error {
	if err := containerShape(s); err != nil {
		return err
	}
	if err := mountsItsVolumes(s); err != nil {
		return err
	}
	return fitsImageRules(s)
}

// containerShape refuses, in istio mode, a proxy container the API server
// would refuse in every Pod it is injected into, in the parts a policy
// writes most: its name, its ports' names and numbers, its environment's
// names and its resources (those of package resourcelists' defaults).
func containerShape(s v1alpha1.PlatformPolicySpec) error {
	if s.Mesh.Mode != v1alpha1.MeshIstio || s.Mesh.Sidecar.Container == nil {
		return nil
	}
	const field = "spec.mesh.sidecar.container"
	c := s.Mesh.Sidecar.Container
	fail := func(at, value string, errs []string) error {
		return fmt.Errorf("%s.%s: %q: %s, so the API server would refuse every meshed Pod", field, at, value, strings.Join(errs, "; "))
	}
	if errs := validation.IsDNS1123Label(c.Name); len(errs) > 0 {
		return fail("name", c.Name, errs)
	}
	for i, p := range c.Ports {
		if p.Name != "" {
			if errs := validation.IsValidPortName(p.Name); len(errs) > 0 {
				return fail(fmt.Sprintf("ports[%d].name", i), p.Name, errs)
			}
		}
		if errs := validation.IsValidPortNum(int(p.ContainerPort)); len(errs) > 0 {
			return fail(fmt.Sprintf("ports[%d].containerPort", i), fmt.Sprint(p.ContainerPort), errs)
		}
	}
	for i, e := range c.Env {
		if errs := validation.IsEnvVarName(e.Name); len(errs) > 0 {
			return fail(fmt.Sprintf("env[%d].name", i), e.Name, errs)
		}
	}
	requests := resourceList{field + ".resources.requests", c.Resources.Requests, containerResource}
	limits := resourceList{field + ".resources.limits", c.Resources.Limits, containerResource}
	if err := resourceLists(requests, limits); err != nil {
		return err
	}
	return notAbove(requests, limits)
}

// mountsItsVolumes refuses a proxy that mounts a volume the template does
// not bring: the API server would refuse every Pod it is injected into. A
// policy that writes the proxy's volumes replaces the built-in list whole,
// so it writes the mounts that go with them too.
func mountsItsVolumes(s v1alpha1.PlatformPolicySpec) error {
	if s.Mesh.Mode != v1alpha1.MeshIstio || s.Mesh.Sidecar.Container == nil {
		return nil
	}
	have := make(map[string]bool, len(s.Mesh.Sidecar.Volumes))
	for _, v := range s.Mesh.Sidecar.Volumes {
		have[v.Name] = true
	}
	for i, m := range s.Mesh.Sidecar.Container.VolumeMounts {
		if !have[m.Name] {
			return fmt.Errorf("spec.mesh.sidecar.container.volumeMounts[%d].name: %q is not one of spec.mesh.sidecar.volumes, so the API server would refuse every meshed Pod: add the volume, or write the proxy's volumeMounts to match its volumes (a list you write replaces the built-in one whole)", i, m.Name)
		}
	}
	return nil
}

// fitsImageRules refuses, in istio mode, a proxy image that the policy's own
// image rules deny (image-pinned, and image-registry where the policy lists
// registries): pave injects the proxy into every meshed workload, so each
// would be denied for a container no team wrote, with a fix no team can make.
// A rule the policy has turned to warn or audit denies nothing.
func fitsImageRules(s v1alpha1.PlatformPolicySpec) error {
	if s.Mesh.Mode != v1alpha1.MeshIstio || s.Mesh.Sidecar.Container == nil {
		return nil
	}
	const field = "spec.mesh.sidecar.container.image"
	image := s.Mesh.Sidecar.Container.Image
	ref, err := imageref.Parse(image)
	if err != nil {
		return fmt.Errorf("%s: %q is not a valid image reference (%v): write registry/repository:tag or registry/repository@sha256:digest", field, image, err)
	}
	if !ref.Pinned() && enforces(s, "image-pinned") {
		return fmt.Errorf("%s: %q names no version, so rule image-pinned would deny every meshed workload for the proxy pave injects: pin the proxy to a tag or a digest", field, image)
	}
	if allowed := s.Images.AllowedRegistries; len(allowed) > 0 && !ref.From(allowed) && enforces(s, "image-registry") {
		return fmt.Errorf("%s: %q comes from %s, which spec.images.allowedRegistries does not allow, so rule image-registry would deny every meshed workload for the proxy pave injects: mirror the proxy into an allowed registry and name it here, or allow its registry",
			field, image, ref.Domain)
	}
	return nil
}

// enforces reports whether the rule, enforced by default, still is under
// the policy's overrides.
func enforces(s v1alpha1.PlatformPolicySpec, id string) bool {
	for _, r := range s.Rules {
		if r.ID == id && r.Mode != "" {
			return r.Mode == v1alpha1.ModeEnforce
		}
	}
	return true
}
