package check

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/pave-dev/pave/pkg/workload"
)

// invalidResources is the API server's refusal of w's containers'
// resources, after the name's findings (named), in its words (Kubernetes
// 1.37, ValidateResourceRequirements), or nil. The API server judges them
// after the mutating webhooks, but pave's only fill in what is missing and
// keep a request within its limit, so the manifest as written is refused or
// not as the mutated object is. Without this, pave check passed a request
// above its limit or a negative quantity that kubectl apply then failed on.
// Pod-level resources (spec.resources) are left to the API server.
func invalidResources(w *workload.Workload, named field.ErrorList) error {
	spec := w.PodSpec
	if !anyUnusual(spec.Containers) && !anyUnusual(spec.InitContainers) {
		return nil // as nearly every manifest: judged without a path or a sort
	}
	path := specPath(w.PodSpecPath)
	errs := slices.Clip(named) // the name's findings come first
	// The API server's order: app containers, then init containers.
	for i := range spec.Containers {
		errs = append(errs, containerResources(spec.Containers[i].Resources, path.Child("containers").Index(i).Child("resources"))...)
	}
	for i := range spec.InitContainers {
		errs = append(errs, containerResources(spec.InitContainers[i].Resources, path.Child("initContainers").Index(i).Child("resources"))...)
	}
	if len(errs) == len(named) {
		return nil
	}
	return fmt.Errorf("%s %q is invalid: %w: the API server refuses it after mutating admission", w.Kind, w.Name(), errs.ToAggregate())
}

// anyUnusual reports whether any of cs is unusual.
func anyUnusual(cs []corev1.Container) bool {
	for i := range cs {
		if unusual(&cs[i].Resources) {
			return true
		}
	}
	return false
}

// unusual reports whether r asks for anything but cpu, memory and
// ephemeral storage, or for a negative quantity or a request above its
// limit: what containerResources must look at.
func unusual(r *corev1.ResourceRequirements) bool {
	for name, q := range r.Limits {
		if !ordinary(name) || q.Sign() < 0 {
			return true
		}
	}
	for name, q := range r.Requests {
		if !ordinary(name) || q.Sign() < 0 {
			return true
		}
		if limit, ok := r.Limits[name]; ok && q.Cmp(limit) > 0 {
			return true
		}
	}
	return false
}

// ordinary resources are those nearly every container asks for, which the
// API server holds to no more than a sign and their limit.
func ordinary(name corev1.ResourceName) bool {
	return name == corev1.ResourceCPU || name == corev1.ResourceMemory || name == corev1.ResourceEphemeralStorage
}

// specPath is a dotted path (spec.template.spec) as a field path.
func specPath(dotted string) *field.Path {
	parts := strings.Split(dotted, ".")
	return field.NewPath(parts[0], parts[1:]...)
}

// containerResources judges one container's requests and limits as the API
// server does: limits first, then requests, each in name order.
func containerResources(r corev1.ResourceRequirements, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	limPath, reqPath := path.Child("limits"), path.Child("requests")
	cpuOrMemory, hugePages := false, false
	// each judges one name and quantity, of the limits or the requests.
	each := func(name corev1.ResourceName, q resource.Quantity, at *field.Path) {
		errs = append(errs, containerResourceName(name, at)...)
		errs = append(errs, quantityValue(name, q, at)...)
		hugePages = hugePages || isHugePages(name)
		cpuOrMemory = cpuOrMemory || name == corev1.ResourceCPU || name == corev1.ResourceMemory
	}
	for _, name := range names(r.Limits) {
		each(name, r.Limits[name], limPath.Key(string(name)))
	}
	for _, name := range names(r.Requests) {
		q := r.Requests[name]
		each(name, q, reqPath.Key(string(name)))
		if limit, ok := r.Limits[name]; ok {
			switch {
			case q.Cmp(limit) != 0 && !overcommitAllowed(name):
				errs = append(errs, field.Invalid(reqPath, q.String(), fmt.Sprintf("must be equal to %s limit of %s", name, limit.String())))
			case q.Cmp(limit) > 0:
				errs = append(errs, field.Invalid(reqPath, q.String(), fmt.Sprintf("must be less than or equal to %s limit of %s", name, limit.String())))
			}
		} else if !overcommitAllowed(name) {
			errs = append(errs, field.Required(limPath, "Limit must be set for non overcommitable resources"))
		}
	}
	if hugePages && !cpuOrMemory {
		errs = append(errs, field.Forbidden(path, "HugePages require cpu or memory"))
	}
	return errs
}

// names are a list's resource names, sorted.
func names(l corev1.ResourceList) []corev1.ResourceName {
	out := make([]corev1.ResourceName, 0, len(l))
	for name := range l {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// standardResource reports whether s is a name the API server knows
// without a domain (pkg/apis/core/helper: standardResources); of them,
// containers may ask for cpu, memory, ephemeral-storage and huge pages only.
func standardResource(s string) bool {
	switch s {
	case "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
		"limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "quota", "services", "replicationcontrollers",
		"resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
		"services.nodeports", "services.loadbalancers":
		return true
	}
	return strings.HasPrefix(s, corev1.ResourceHugePagesPrefix) || strings.HasPrefix(s, "requests."+corev1.ResourceHugePagesPrefix)
}

// containerResourceName is the API server's validateContainerResourceName.
func containerResourceName(name corev1.ResourceName, at *field.Path) field.ErrorList {
	var errs field.ErrorList
	s := string(name)
	for _, msg := range validation.IsQualifiedName(s) {
		errs = append(errs, field.Invalid(at, s, msg))
	}
	if !strings.Contains(s, "/") {
		if len(errs) == 0 && !standardResource(s) {
			errs = append(errs, field.Invalid(at, s, "must be a standard resource type or fully qualified"))
		}
		if !ordinary(name) && !isHugePages(name) {
			errs = append(errs, field.Invalid(at, s, "must be a standard resource for containers"))
		}
	} else if !native(name) && !extended(name) {
		errs = append(errs, field.Invalid(at, s, "doesn't follow extended resource name standard"))
	}
	return errs
}

// quantityValue is the API server's ValidateResourceQuantityValue, with
// its check of a huge page quantity against the page size.
func quantityValue(name corev1.ResourceName, q resource.Quantity, at *field.Path) field.ErrorList {
	var errs field.ErrorList
	if q.Sign() < 0 {
		errs = append(errs, field.Invalid(at, q.String(), "must be greater than or equal to 0"))
	}
	if extended(name) && q.MilliValue()%1000 != 0 {
		errs = append(errs, field.Invalid(at, q.String(), "must be an integer"))
	}
	if isHugePages(name) {
		size, err := resource.ParseQuantity(strings.TrimPrefix(string(name), corev1.ResourceHugePagesPrefix))
		if err != nil || size.Sign() <= 0 || size.MilliValue()%1000 != 0 || q.Value()%size.Value() != 0 {
			errs = append(errs, field.Invalid(at, q.String(), fmt.Sprintf("%s is not positive integer multiple of %s", q.String(), name)))
		}
	}
	return errs
}

func isHugePages(name corev1.ResourceName) bool {
	return strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

// native resources are Kubernetes' own: without a domain, or in
// kubernetes.io's.
func native(name corev1.ResourceName) bool {
	return !strings.Contains(string(name), "/") || strings.Contains(string(name), "kubernetes.io/")
}

// extended resources are a device plugin's: domain-qualified, whole
// numbers, never overcommitted.
func extended(name corev1.ResourceName) bool {
	s := string(name)
	if native(name) || strings.HasPrefix(s, corev1.DefaultResourceRequestsPrefix) {
		return false
	}
	return len(validation.IsQualifiedName(corev1.DefaultResourceRequestsPrefix+s)) == 0
}

// overcommitAllowed: a request may be below its limit, for native
// resources but huge pages.
func overcommitAllowed(name corev1.ResourceName) bool { return native(name) && !isHugePages(name) }
