package validators

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/workload"
)

// interceptionBypass finds what would make istio-cni leave a meshed pod's
// traffic beside its proxy, so that the sidecar runs and mutual TLS is
// enforced nowhere: the inject switch turned off (as istio-cni reads it:
// the label over the annotation, any false strconv.ParseBool takes), or
// interception settings that leave ports, addresses or interfaces out.
// It returns the field and what is wrong, or "" when nothing is.
//
// Istio's injector writes interception settings of its own on the Pods it
// injects (its status port excluded, the platform's ranges from Istio's
// values), and they reach this check with the team's: so in delegate mode
// a Pod is judged by its inject switch alone, and its settings where a
// team writes them, in the workload's template.
func interceptionBypass(w *workload.Workload, mode v1alpha1.MeshMode) (field, why string) {
	inject, ok := w.PodMeta.Annotations[v1alpha1.LabelIstioInject]
	where := "annotations"
	if label, has := w.PodMeta.Labels[v1alpha1.LabelIstioInject]; has {
		inject, ok, where = label, true, "labels"
	}
	if on, err := strconv.ParseBool(inject); ok && err == nil && !on {
		return fmt.Sprintf("%s.%s[%s]", w.PodMetaPath, where, v1alpha1.LabelIstioInject),
			fmt.Sprintf("%s: %q makes istio-cni leave the pod's traffic beside its proxy", v1alpha1.LabelIstioInject, inject)
	}
	if istiosPod(w, mode) {
		return "", ""
	}
	var keys []string // none, on the admission path's common case
	for k := range w.PodMeta.Annotations {
		if strings.HasPrefix(k, v1alpha1.AnnotationIstioTrafficPrefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys) // the first by name, the same on every admission
	for _, k := range keys {
		v := strings.TrimSpace(w.PodMeta.Annotations[k])
		if narrows(w, strings.TrimPrefix(k, v1alpha1.AnnotationIstioTrafficPrefix), v) {
			return fmt.Sprintf("%s.annotations[%s]", w.PodMetaPath, k),
				fmt.Sprintf("%s: %q leaves traffic out of the mesh proxy, where mutual TLS is not enforced", k, v)
		}
	}
	return "", ""
}

// narrows reports whether an interception setting leaves traffic out of the
// proxy. Excluding the proxy's own ports (its status, health and metrics
// ports, which istio-cni excludes anyway) leaves nothing out; nor does an
// inbound list that names every port the pod's containers declare, which
// Istio's injector itself wrote before it defaulted to "*".
func narrows(w *workload.Workload, setting, value string) bool {
	switch {
	case setting == "excludeInboundPorts" || setting == "excludeOutboundPorts":
		for p := range strings.SplitSeq(value, ",") {
			if p = strings.TrimSpace(p); p != "" && p != "15020" && p != "15021" && p != "15090" {
				return true
			}
		}
		return false
	case strings.HasPrefix(setting, "exclude"):
		return value != ""
	case setting == "includeOutboundIPRanges":
		return value != "*"
	case setting == "includeInboundPorts":
		if value == "*" {
			return false
		}
		listed := strings.Split(value, ",")
		for i := range listed {
			listed[i] = strings.TrimSpace(listed[i])
		}
		for _, c := range w.PodSpec.Containers {
			for _, p := range c.Ports {
				if !slices.Contains(listed, strconv.Itoa(int(p.ContainerPort))) {
					return true
				}
			}
		}
		return false
	}
	return false
}

// istioProxyID is the user and group Istio reserves for its proxy.
const istioProxyID = 1337

// istiosPod reports whether the pod's containers and settings may be Istio's
// own: in delegate mode Istio's injector adds its proxy to each Pod, with
// settings and ports of its own, so the team's are judged in the template.
func istiosPod(w *workload.Workload, mode v1alpha1.MeshMode) bool {
	return mode == v1alpha1.MeshDelegate && w.Kind == "Pod"
}

// pavesProxy is the name of the proxy pave injects (istio mode), or "".
func pavesProxy(spec v1alpha1.MeshPolicy) string {
	if spec.Mode != v1alpha1.MeshIstio || spec.Sidecar.Container == nil {
		return ""
	}
	return spec.Sidecar.Container.Name
}

// proxyIdentityTaken finds a container that runs as the mesh proxy's user
// or group. istio-cni's rules let that user's and group's packets out
// unredirected (they are how the proxy's own traffic leaves), so such a
// container's connections bypass the proxy, and mutual TLS with it; Istio
// reserves UID 1337 for the proxy. pave's proxy (istio mode) is the one
// container that may: whether it is pave's is the sidecar check's to say.
// Istio's proxy is the other: the istio-proxy container of a pod Istio's
// injector fills in (its gateways), or takes out to inject afresh
// (istioctl kube-inject's output). It returns the field and what is
// wrong, or "" when nothing is.
func proxyIdentityTaken(w *workload.Workload, spec v1alpha1.MeshPolicy, namespaceLabels map[string]string) (field, why string) {
	uid, gid := int64(istioProxyID), int64(istioProxyID)
	proxy := pavesProxy(spec)
	if sc := spec.Sidecar.Container; proxy != "" && sc.SecurityContext != nil {
		uid = ptr.Deref(sc.SecurityContext.RunAsUser, uid)
		gid = ptr.Deref(sc.SecurityContext.RunAsGroup, gid)
	}
	var podUser, podGroup *int64
	if psc := w.PodSpec.SecurityContext; psc != nil {
		podUser, podGroup = psc.RunAsUser, psc.RunAsGroup
	}
	istioInjects := mesh.IstioInjects(w, namespaceLabels)
	w.Containers(func(c *corev1.Container, at workload.Ref) {
		if why != "" || (proxy != "" && c.Name == proxy && at.Init()) || mesh.IstioFillsImage(w, c, namespaceLabels) ||
			istioInjects && mesh.IstioStrips(w, c.Name, at.Init()) {
			return // pave's proxy, or Istio's, which its injector gives its image or injects afresh
		}
		var user, group *int64
		if c.SecurityContext != nil {
			user, group = c.SecurityContext.RunAsUser, c.SecurityContext.RunAsGroup
		}
		for _, id := range [2]struct {
			name      string
			want      int64
			own, pods *int64
		}{
			{"runAsUser", uid, user, podUser},
			{"runAsGroup", gid, group, podGroup},
		} {
			switch {
			case id.own != nil && *id.own == id.want:
				field = at.Field("securityContext." + id.name)
			case id.own == nil && id.pods != nil && *id.pods == id.want:
				field = w.PodSpecPath + ".securityContext." + id.name
			default:
				continue
			}
			why = fmt.Sprintf("container %q runs with %s %d, the mesh proxy's, whose traffic istio-cni lets out beside the proxy, where mutual TLS is not enforced", c.Name, id.name, id.want)
			return
		}
	})
	return field, why
}
