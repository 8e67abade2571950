package validators

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	psaapi "k8s.io/pod-security-admission/api"
	psa "k8s.io/pod-security-admission/policy"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// PodSecurity evaluates the Pod Security Standards with the Kubernetes project's
// own checks (k8s.io/pod-security-admission), one pave rule per check, so a
// finding names the exact check, field and fix. Rule ids are pss/<check id>.
type PodSecurity struct {
	checks []psaCheck
}

type psaCheck struct {
	rule policy.Rule
	fn   psa.CheckPodFn
}

// NewPodSecurity selects the checks of a level ("restricted" or "baseline") at
// their newest version, dropping the baseline checks a restricted check replaces.
func NewPodSecurity(level string) (*PodSecurity, error) {
	lvl, err := psaapi.ParseLevel(level)
	if err != nil || lvl == psaapi.LevelPrivileged {
		return nil, fmt.Errorf("pod security level %q: use restricted or baseline", level)
	}
	all := psa.DefaultChecks()
	overridden := map[psa.CheckID]bool{}
	for _, c := range all {
		if lvl == psaapi.LevelRestricted && c.Level == psaapi.LevelRestricted {
			for _, id := range c.Versions[len(c.Versions)-1].OverrideCheckIDs {
				overridden[id] = true
			}
		}
	}
	p := &PodSecurity{}
	for _, c := range all {
		if overridden[c.ID] || (lvl == psaapi.LevelBaseline && c.Level == psaapi.LevelRestricted) {
			continue
		}
		p.checks = append(p.checks, psaCheck{
			rule: policy.Rule{ID: "pss/" + string(c.ID), Severity: pssSeverity(c), Mode: v1alpha1.ModeEnforce,
				Description: fmt.Sprintf("Pod Security Standard %s: %s", c.Level, pssDescription(string(c.ID)))},
			fn: c.Versions[len(c.Versions)-1].CheckPod,
		})
	}
	return p, nil
}

func pssSeverity(c psa.Check) v1alpha1.Severity {
	if c.Level == psaapi.LevelBaseline {
		return v1alpha1.SeverityCritical // baseline breaks are known privilege escalations
	}
	return v1alpha1.SeverityHigh
}

// Name implements engine.Validator.
func (*PodSecurity) Name() string { return "pod-security" }

// Rules implements engine.Validator.
func (p *PodSecurity) Rules() []policy.Rule {
	out := make([]policy.Rule, len(p.checks))
	for i, c := range p.checks {
		out[i] = c.rule
	}
	return out
}

// Validate implements engine.Validator.
func (p *PodSecurity) Validate(_ context.Context, w *workload.Workload, _ policy.Env) []policy.Violation {
	var out []policy.Violation
	for _, c := range p.checks {
		res := c.fn(w.PodMeta, w.PodSpec)
		if res.Allowed {
			continue
		}
		msg := res.ForbiddenReason
		if res.ForbiddenDetail != "" {
			msg += ": " + res.ForbiddenDetail
		}
		for _, field := range locate(c, w) {
			out = append(out, c.rule.Violation(field, msg, pssFix(c.rule.ID)))
		}
	}
	return out
}

// locate finds the fields a failed check is about, by evaluating the same check
// on the pod alone and on each container alone: the library reports container
// names, pave reports field paths.
func locate(c psaCheck, w *workload.Workload) []string {
	base := *w.PodSpec
	base.Containers, base.InitContainers, base.EphemeralContainers = nil, nil, nil
	suffix := pssField(c.rule.ID)
	if !c.fn(w.PodMeta, &base).Allowed {
		return []string{w.PodSpecPath + "." + podField(c.rule.ID, w.PodSpec)}
	}
	var fields []string
	w.Containers(func(ctr *corev1.Container, at workload.Ref) {
		one := base
		one.Containers = []corev1.Container{*ctr}
		if !c.fn(w.PodMeta, &one).Allowed {
			fields = append(fields, at.Field(suffix))
		}
	})
	if len(fields) == 0 {
		fields = []string{w.PodSpecPath} // the combination fails, no single part does
	}
	return fields
}

// pssField is the container field each check inspects.
func pssField(id string) string {
	switch strings.TrimPrefix(id, "pss/") {
	case "privileged":
		return "securityContext.privileged"
	case "capabilities_baseline", "capabilities_restricted":
		return "securityContext.capabilities"
	case "allowPrivilegeEscalation":
		return "securityContext.allowPrivilegeEscalation"
	case "runAsNonRoot":
		return "securityContext.runAsNonRoot"
	case "runAsUser":
		return "securityContext.runAsUser"
	case "seccompProfile_baseline", "seccompProfile_restricted":
		return "securityContext.seccompProfile"
	case "seLinuxOptions":
		return "securityContext.seLinuxOptions"
	case "procMount", "procMount_restricted":
		return "securityContext.procMount"
	case "appArmorProfile":
		return "securityContext.appArmorProfile"
	case "windowsHostProcess":
		return "securityContext.windowsOptions.hostProcess"
	case "hostPorts":
		return "ports"
	case "hostProbesAndHostLifecycle":
		return "readinessProbe"
	}
	return "securityContext"
}

// podField is the pod-level field a check failed on.
func podField(id string, spec *corev1.PodSpec) string {
	switch strings.TrimPrefix(id, "pss/") {
	case "hostNamespaces":
		switch {
		case spec.HostNetwork:
			return "hostNetwork"
		case spec.HostPID:
			return "hostPID"
		}
		return "hostIPC"
	case "hostPathVolumes", "restrictedVolumes":
		for i, v := range spec.Volumes {
			if v.HostPath != nil {
				return fmt.Sprintf("volumes[%d].hostPath", i)
			}
		}
		return "volumes"
	case "sysctls":
		return "securityContext.sysctls"
	}
	return pssField(id) // the pod-level securityContext has the same field names
}

// pssDescription says in words what each check asks.
func pssDescription(id string) string {
	switch id {
	case "privileged":
		return "no privileged containers"
	case "hostNamespaces":
		return "no host network, PID or IPC namespace"
	case "hostPathVolumes":
		return "no hostPath volumes"
	case "restrictedVolumes":
		return "only ephemeral and API-backed volume types (no hostPath)"
	case "hostPorts":
		return "no host ports"
	case "capabilities_baseline":
		return "no capabilities beyond the default set"
	case "capabilities_restricted":
		return "drop ALL capabilities, add at most NET_BIND_SERVICE"
	case "allowPrivilegeEscalation":
		return "allowPrivilegeEscalation is false"
	case "runAsNonRoot":
		return "containers run as non-root"
	case "runAsUser":
		return "no container runs as UID 0"
	case "seccompProfile_baseline":
		return "seccomp is not Unconfined"
	case "seccompProfile_restricted":
		return "seccomp is RuntimeDefault or Localhost"
	case "seLinuxOptions":
		return "no custom SELinux type, user or role"
	case "procMount", "procMount_restricted":
		return "the default /proc mount"
	case "sysctls":
		return "only safe sysctls"
	case "appArmorProfile":
		return "AppArmor is not Unconfined"
	case "windowsHostProcess":
		return "no Windows HostProcess containers"
	case "hostProbesAndHostLifecycle":
		return "probes and lifecycle hooks do not target another host"
	}
	return id
}

// pssFix says what to change for each check.
func pssFix(id string) string {
	switch strings.TrimPrefix(id, "pss/") {
	case "privileged":
		return "remove securityContext.privileged: true; ask the platform team for a PolicyException if the workload truly needs the host"
	case "hostNamespaces":
		return "remove hostNetwork, hostPID and hostIPC; expose the service through a Service instead"
	case "hostPathVolumes", "restrictedVolumes":
		return "replace hostPath and other host volumes with emptyDir, a PersistentVolumeClaim, a ConfigMap or a Secret"
	case "hostPorts":
		return "remove hostPort; use a Service to expose the port"
	case "capabilities_baseline", "capabilities_restricted":
		return "remove capabilities.add (only NET_BIND_SERVICE is allowed) and keep capabilities.drop: [ALL]"
	case "allowPrivilegeEscalation":
		return "remove allowPrivilegeEscalation: true, privileged: true and CAP_SYS_ADMIN; pave then sets allowPrivilegeEscalation to false"
	case "runAsNonRoot", "runAsUser":
		return "run as a non-root user: remove runAsUser: 0 and runAsNonRoot: false, and build the image with a numeric USER"
	case "seccompProfile_baseline", "seccompProfile_restricted":
		return "remove seccompProfile type Unconfined (pave sets RuntimeDefault)"
	case "seLinuxOptions":
		return "remove the custom seLinuxOptions type and user/role"
	case "procMount", "procMount_restricted":
		return "remove procMount: Unmasked"
	case "sysctls":
		return "remove the unsafe sysctls from securityContext.sysctls"
	case "appArmorProfile":
		return "remove the Unconfined AppArmor profile"
	case "windowsHostProcess":
		return "remove windowsOptions.hostProcess: true"
	case "hostProbesAndHostLifecycle":
		return "remove the host field from probes and lifecycle handlers"
	}
	return "see https://kubernetes.io/docs/concepts/security/pod-security-standards/"
}
