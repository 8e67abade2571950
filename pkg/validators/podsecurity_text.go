package validators

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/workload"
)

// The words of the Pod Security findings: where each check looks, what it
// asks and how to fix it.

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

// containerField is the field of ctr a check failed on: pssField, but for
// the checks whose field depends on the container, the one that has it.
func containerField(id string, ctr *corev1.Container) string {
	switch strings.TrimPrefix(id, "pss/") {
	case "hostProbesAndHostLifecycle":
		if f := probeHostField(ctr); f != "" {
			return f
		}
	case "hostPorts":
		for i, p := range ctr.Ports {
			if p.HostPort != 0 {
				return fmt.Sprintf("ports[%d].hostPort", i)
			}
		}
	}
	return pssField(id)
}

// probeHostField is the first probe or lifecycle handler of ctr that names a
// host, where Pod Security's hostProbesAndHostLifecycle looks.
func probeHostField(ctr *corev1.Container) string {
	handler := func(name string, get *corev1.HTTPGetAction, tcp *corev1.TCPSocketAction) string {
		switch {
		case get != nil && get.Host != "":
			return name + ".httpGet.host"
		case tcp != nil && tcp.Host != "":
			return name + ".tcpSocket.host"
		}
		return ""
	}
	for _, p := range []struct {
		name  string
		probe *corev1.Probe
	}{{"livenessProbe", ctr.LivenessProbe}, {"readinessProbe", ctr.ReadinessProbe}, {"startupProbe", ctr.StartupProbe}} {
		if p.probe != nil {
			if f := handler(p.name, p.probe.HTTPGet, p.probe.TCPSocket); f != "" {
				return f
			}
		}
	}
	if l := ctr.Lifecycle; l != nil {
		for _, h := range []struct {
			name    string
			handler *corev1.LifecycleHandler
		}{{"lifecycle.postStart", l.PostStart}, {"lifecycle.preStop", l.PreStop}} {
			if h.handler != nil {
				if f := handler(h.name, h.handler.HTTPGet, h.handler.TCPSocket); f != "" {
					return f
				}
			}
		}
	}
	return ""
}

// podField is the pod-level field a check failed on.
func podField(id string, w *workload.Workload) (field, fix string) {
	if a, ok := mutators.LegacySeccompAnnotation(w); ok && strings.HasPrefix(id, "pss/seccompProfile") {
		return fmt.Sprintf("%s.annotations[%s]", w.PodMetaPath, a), legacySeccompFix(a)
	}
	if a, ok := unconfinedAppArmorAnnotation(w); ok && id == "pss/appArmorProfile" {
		return fmt.Sprintf("%s.annotations[%s]", w.PodMetaPath, a),
			fmt.Sprintf("remove the annotation %s, or set it to runtime/default (since Kubernetes 1.30, securityContext.appArmorProfile says the same)", a)
	}
	return w.PodSpecPath + "." + podSpecField(id, w.PodSpec), pssFix(id, w)
}

func podSpecField(id string, spec *corev1.PodSpec) string {
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

// pssFix says what to change for each check, for this workload: Linux advice
// is wrong for a Windows pod, and a legacy seccomp annotation is what keeps
// pave from setting the profile.
func pssFix(id string, w *workload.Workload) string {
	check := strings.TrimPrefix(id, "pss/")
	if a, ok := mutators.LegacySeccompAnnotation(w); ok && strings.HasPrefix(check, "seccompProfile") {
		return legacySeccompFix(a)
	}
	if windows(w) && (check == "runAsNonRoot" || check == "runAsUser") {
		return "run as a non-administrator account: set securityContext.windowsOptions.runAsUserName to ContainerUser"
	}
	switch check {
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

// containerFix is pssFix for a finding of one container. kubectl debug's
// default profile adds SYS_PTRACE to the container it writes, into a Pod
// it copies (--copy-to) or as an ephemeral container, and the one who ran
// it wrote no capability: the fix names the flag that leaves it out.
func containerFix(id string, w *workload.Workload, ctr *corev1.Container) string {
	fix := pssFix(id, w)
	if !strings.HasPrefix(id, "pss/capabilities_") || ctr.SecurityContext == nil || ctr.SecurityContext.Capabilities == nil ||
		!slices.Contains(ctr.SecurityContext.Capabilities.Add, "SYS_PTRACE") {
		return fix
	}
	return fix + "; a container kubectl debug wrote gets SYS_PTRACE from its default profile: run kubectl debug with --profile=restricted"
}

// unconfinedAppArmorAnnotation is the first annotation, by key, that gives
// a container an AppArmor profile Pod Security's baseline refuses (as
// pod-security-admission's allowedAnnotationValue reads it): any but none,
// the runtime's default and one of the node's own.
func unconfinedAppArmorAnnotation(w *workload.Workload) (string, bool) {
	var keys []string
	for k, v := range w.PodMeta.Annotations {
		if strings.HasPrefix(k, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) && v != "" &&
			v != corev1.DeprecatedAppArmorBetaProfileRuntimeDefault && !strings.HasPrefix(v, corev1.DeprecatedAppArmorBetaProfileNamePrefix) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "", false
	}
	return slices.Min(keys), true
}

func legacySeccompFix(annotation string) string {
	return fmt.Sprintf("remove the annotation %s (deprecated since Kubernetes 1.19; the API server rejects it beside a different securityContext.seccompProfile), then pave sets seccompProfile.type: RuntimeDefault", annotation)
}

func windows(w *workload.Workload) bool {
	return w.PodSpec.OS != nil && w.PodSpec.OS.Name == corev1.Windows
}
