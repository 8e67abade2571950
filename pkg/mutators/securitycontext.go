package mutators

import (
	"context"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// SecurityContext hardens pods to the Pod Security Standard "restricted" where the
// workload leaves a setting open: non-root, RuntimeDefault seccomp, no privilege
// escalation, all capabilities dropped. A setting the user made explicitly is
// left for the validators to judge.
type SecurityContext struct{}

// Name implements engine.Mutator.
func (SecurityContext) Name() string { return "security-context" }

// Scope implements engine.Scoped: the pod's security context and the
// containers'.
func (SecurityContext) Scope() []string {
	return append(workload.ContainerPaths("securityContext"), "pod.spec.securityContext")
}

// Mutate implements engine.Mutator.
func (SecurityContext) Mutate(_ context.Context, w *workload.Workload, _ policy.Env) (bool, error) {
	spec := w.PodSpec
	if spec.OS != nil && spec.OS.Name == corev1.Windows {
		return false, nil // seccomp, capabilities and runAsNonRoot are Linux settings
	}
	changed := false
	if spec.SecurityContext == nil {
		spec.SecurityContext = &corev1.PodSecurityContext{}
	}
	psc := spec.SecurityContext
	// One container that asks for root keeps runAsNonRoot off the pod, where
	// the others would inherit it as a contradiction; each other container
	// gets its own, so the validators name only the one that asks for root.
	perContainer := false
	if psc.RunAsNonRoot == nil {
		if runsAsRoot(w) {
			perContainer = !isRoot(psc.RunAsUser)
		} else {
			yes := true
			psc.RunAsNonRoot = &yes
			changed = true
		}
	}
	// The API server rejects a seccompProfile that differs from a legacy
	// seccomp annotation, and the error would blame a field pave wrote; left
	// unset, the Pod Security validator explains the annotation instead.
	if _, legacy := LegacySeccompAnnotation(w); psc.SeccompProfile == nil && !legacy {
		psc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
		changed = true
	}
	w.Containers(func(c *corev1.Container, _ workload.Ref) {
		changed = hardenContainer(c) || changed
		if sc := c.SecurityContext; perContainer && sc.RunAsNonRoot == nil && !isRoot(sc.RunAsUser) {
			yes := true
			sc.RunAsNonRoot = &yes
			changed = true
		}
	})
	return changed, nil
}

func hardenContainer(c *corev1.Container) bool {
	changed := false
	if c.SecurityContext == nil {
		c.SecurityContext = &corev1.SecurityContext{}
	}
	sc := c.SecurityContext
	// The API server rejects allowPrivilegeEscalation=false beside privileged or
	// CAP_SYS_ADMIN. pave leaves it unset there, and drops a false it set on an
	// earlier admission (an apply that adds privileged: true keeps it): the
	// object the API server sees is valid, and the validators deny the real
	// problem with its fix.
	escalates := isTrue(sc.Privileged) || adds(sc.Capabilities, "SYS_ADMIN")
	switch {
	case escalates && sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation:
		sc.AllowPrivilegeEscalation = nil
		changed = true
	case !escalates && sc.AllowPrivilegeEscalation == nil:
		no := false
		sc.AllowPrivilegeEscalation = &no
		changed = true
	}
	if sc.Capabilities == nil {
		sc.Capabilities = &corev1.Capabilities{}
	}
	if !slices.Contains(sc.Capabilities.Drop, "ALL") {
		sc.Capabilities.Drop = append(sc.Capabilities.Drop, "ALL")
		changed = true
	}
	return changed
}

// runsAsRoot reports whether the pod or a container explicitly asks for UID 0;
// runAsNonRoot beside it would be a contradiction the kubelet fails on.
func runsAsRoot(w *workload.Workload) bool {
	if isRoot(w.PodSpec.SecurityContext.RunAsUser) {
		return true
	}
	found := false
	w.Containers(func(c *corev1.Container, _ workload.Ref) {
		found = found || (c.SecurityContext != nil && isRoot(c.SecurityContext.RunAsUser))
	})
	return found
}

func isRoot(uid *int64) bool { return uid != nil && *uid == 0 }

func isTrue(b *bool) bool { return b != nil && *b }

func adds(c *corev1.Capabilities, capability corev1.Capability) bool {
	if c == nil {
		return false
	}
	return slices.Contains(c.Add, capability) || slices.Contains(c.Add, "CAP_"+capability)
}

// Legacy seccomp annotations, deprecated since Kubernetes 1.19 but still
// checked by the API server against the securityContext fields.
const (
	legacySeccompPod       = "seccomp.security.alpha.kubernetes.io/pod"
	legacySeccompContainer = "container.seccomp.security.alpha.kubernetes.io/"
)

// LegacySeccompAnnotation returns a legacy seccomp annotation of the pod
// template, if it has one.
func LegacySeccompAnnotation(w *workload.Workload) (string, bool) {
	if _, ok := w.PodMeta.Annotations[legacySeccompPod]; ok {
		return legacySeccompPod, true
	}
	for k := range w.PodMeta.Annotations {
		if strings.HasPrefix(k, legacySeccompContainer) {
			return k, true
		}
	}
	return "", false
}
