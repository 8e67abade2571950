package check

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// podSpecErrors are the API server's findings on the names in a pod spec,
// in its words and order (Kubernetes 1.37, ValidateVolumes,
// validateContainers, validateInitContainers and ValidateVolumeMounts in
// pkg/apis/core/validation): a volume's name missing, not a DNS label or
// taken; no containers; a container's name missing, not a DNS label or
// shared (init containers included) or its image missing; a mount of a
// volume the pod does not have, or without a path or with one another of
// the container's mounts has. Manifests written for other tools' tests
// often lack containers, and a misspelt volume in a mount is a common
// slip; pave check passed them and kubectl apply then failed. The rest of
// the spec's validation (volume sources, ports, environment, probes) is
// the API server's. Judged on the mutated spec, as the API server judges
// it: with the mesh on, pave's proxy is among the init containers.
//
// claims are a StatefulSet's claim templates: the API server
// validates its template with a volume of each before the template's own,
// which those names shadow, so a mount may name a claim and the findings
// count the template's volumes after the claims'.
func podSpecErrors(spec *corev1.PodSpec, dotted string, claims []corev1.PersistentVolumeClaim) field.ErrorList {
	if plainPodSpec(spec, claims) {
		return nil // nearly every manifest: judged without a path or a set
	}
	path := specPath(dotted)
	var errs field.ErrorList
	volumes := map[string]bool{} // those the API server takes: a mount may name them
	for i := range claims {
		volumes[claims[i].Name] = true
	}
	n := len(claims) // the template's own volumes are validated after the claims'
	for i := range spec.Volumes {
		name := spec.Volumes[i].Name
		if claimed(claims, name) {
			continue
		}
		at := path.Child("volumes").Index(n).Child("name")
		n++
		el := dnsLabel(name, at)
		if volumes[name] {
			el = append(el, field.Duplicate(at, name))
		}
		if len(el) == 0 {
			volumes[name] = true
		}
		errs = append(errs, el...)
	}
	common := func(c *corev1.Container, at *field.Path) {
		errs = append(errs, dnsLabel(c.Name, at.Child("name"))...)
		if c.Image == "" {
			errs = append(errs, field.Required(at.Child("image"), ""))
		}
		paths := map[string]bool{}
		for j, m := range c.VolumeMounts {
			mat := at.Child("volumeMounts").Index(j)
			if m.Name == "" {
				errs = append(errs, field.Required(mat.Child("name"), ""))
			}
			if !volumes[m.Name] {
				errs = append(errs, field.NotFound(mat.Child("name"), m.Name))
			}
			if m.MountPath == "" {
				errs = append(errs, field.Required(mat.Child("mountPath"), ""))
			}
			if paths[m.MountPath] {
				errs = append(errs, field.Invalid(mat.Child("mountPath"), m.MountPath, "must be unique"))
			}
			paths[m.MountPath] = true
		}
	}
	if len(spec.Containers) == 0 {
		errs = append(errs, field.Required(path.Child("containers"), ""))
	}
	names := map[string]bool{}
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

// dnsLabel is the API server's finding on a name that must be a DNS label.
func dnsLabel(name string, at *field.Path) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(at, "")}
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(name) {
		errs = append(errs, field.Invalid(at, name, msg))
	}
	return errs
}

// plainPodSpec reports whether spec has containers, each with an image, and
// its volumes and containers names of a DNS label's plainest form, no two
// alike, and every mount a volume's and a path of its own: podSpecErrors
// has nothing to find.
func plainPodSpec(spec *corev1.PodSpec, claims []corev1.PersistentVolumeClaim) bool {
	vs := spec.Volumes
	for i := range vs {
		if !plainLabel(vs[i].Name) {
			return false
		}
		for j := range i {
			if vs[j].Name == vs[i].Name {
				return false
			}
		}
	}
	n := len(spec.Containers)
	at := func(i int) *corev1.Container { // app containers, then init containers
		if i < n {
			return &spec.Containers[i]
		}
		return &spec.InitContainers[i-n]
	}
	for i := range n + len(spec.InitContainers) {
		c := at(i)
		if c.Image == "" || !plainLabel(c.Name) || !plainMounts(c.VolumeMounts, vs, claims) {
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

// plainMounts reports whether each mount names one of volumes or claims
// and has a path no other of mounts has.
func plainMounts(mounts []corev1.VolumeMount, volumes []corev1.Volume, claims []corev1.PersistentVolumeClaim) bool {
	for i := range mounts {
		m := &mounts[i]
		if m.MountPath == "" {
			return false
		}
		found := claimed(claims, m.Name)
		for j := 0; j < len(volumes) && !found; j++ {
			found = volumes[j].Name == m.Name
		}
		if !found {
			return false
		}
		for j := range i {
			if mounts[j].MountPath == m.MountPath {
				return false
			}
		}
	}
	return true
}

// claimed reports whether one of claims is named name.
func claimed(claims []corev1.PersistentVolumeClaim, name string) bool {
	for i := range claims { // by index: a claim is too large to copy for its name
		if claims[i].Name == name {
			return true
		}
	}
	return false
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
