package check

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// containerErrors are the API server's findings on the names and images of
// a pod spec's containers, in its words and order (Kubernetes 1.37,
// validateContainers and validateInitContainers in
// pkg/apis/core/validation): a spec without containers, a container without
// a name or image, a name that is not a DNS label, and a name two
// containers share, init containers included. Manifests written for other
// tools' tests often lack containers; pave check passed them and kubectl
// apply then failed. The rest of a container's validation is the API
// server's. Judged on the mutated spec, as the API server judges it: with
// the mesh on, pave's proxy is among the init containers.
func containerErrors(spec *corev1.PodSpec, dotted string) field.ErrorList {
	if plainContainers(spec) {
		return nil // nearly every manifest: judged without a path or a set
	}
	path := specPath(dotted)
	var errs field.ErrorList
	names := map[string]bool{}
	common := func(c *corev1.Container, at *field.Path) {
		if c.Name == "" {
			errs = append(errs, field.Required(at.Child("name"), ""))
		} else {
			for _, msg := range validation.IsDNS1123Label(c.Name) {
				errs = append(errs, field.Invalid(at.Child("name"), c.Name, msg))
			}
		}
		if c.Image == "" {
			errs = append(errs, field.Required(at.Child("image"), ""))
		}
	}
	if len(spec.Containers) == 0 {
		errs = append(errs, field.Required(path.Child("containers"), ""))
	}
	for i := range spec.Containers {
		c, at := &spec.Containers[i], path.Child("containers").Index(i)
		common(c, at)
		if names[c.Name] {
			errs = append(errs, field.Duplicate(at.Child("name"), c.Name))
		}
		names[c.Name] = true
	}
	for i := range spec.InitContainers {
		c, at := &spec.InitContainers[i], path.Child("initContainers").Index(i)
		common(c, at)
		if names[c.Name] {
			errs = append(errs, field.Duplicate(at.Child("name"), c.Name))
		} else if c.Name != "" {
			names[c.Name] = true
		}
	}
	return errs
}

// plainContainers reports whether spec has containers, each with an image
// and a name of a DNS label's plainest form, no two alike: containerErrors
// has nothing to find.
func plainContainers(spec *corev1.PodSpec) bool {
	n := len(spec.Containers)
	at := func(i int) *corev1.Container { // app containers, then init containers
		if i < n {
			return &spec.Containers[i]
		}
		return &spec.InitContainers[i-n]
	}
	for i := range n + len(spec.InitContainers) {
		c := at(i)
		if c.Image == "" || !plainLabel(c.Name) {
			return false
		}
		for j := range i {
			if at(j).Name == c.Name {
				return false
			}
		}
	}
	return n > 0
}

// plainLabel reports whether s is 1 to 63 lower-case letters, digits and
// dashes, starting and ending with a letter or digit: a DNS label.
func plainLabel(s string) bool {
	if len(s) == 0 || len(s) > validation.DNS1123LabelMaxLength || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}
