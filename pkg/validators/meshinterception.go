package validators

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/workload"
)

// interceptionBypass finds what would make istio-cni leave a meshed pod's
// traffic beside its proxy, so that the sidecar runs and mutual TLS is
// enforced nowhere: the inject switch turned off (as istio-cni reads it:
// the label over the annotation, any false strconv.ParseBool takes), or
// interception settings that leave ports, addresses or interfaces out.
// It returns the field and what is wrong, or "" when nothing is.
func interceptionBypass(w *workload.Workload) (field, why string) {
	inject, ok := w.PodMeta.Annotations[v1alpha1.LabelIstioInject]
	field = fmt.Sprintf("%s.annotations[%s]", w.PodMetaPath, v1alpha1.LabelIstioInject)
	if label, has := w.PodMeta.Labels[v1alpha1.LabelIstioInject]; has {
		inject, ok = label, true
		field = fmt.Sprintf("%s.labels[%s]", w.PodMetaPath, v1alpha1.LabelIstioInject)
	}
	if on, err := strconv.ParseBool(inject); ok && err == nil && !on {
		return field, fmt.Sprintf("%s: %q makes istio-cni leave the pod's traffic beside its proxy", v1alpha1.LabelIstioInject, inject)
	}
	keys := make([]string, 0, len(w.PodMeta.Annotations))
	for k := range w.PodMeta.Annotations {
		if strings.HasPrefix(k, v1alpha1.AnnotationIstioTrafficPrefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys) // the first by name, the same on every admission
	for _, k := range keys {
		v := strings.TrimSpace(w.PodMeta.Annotations[k])
		setting := strings.TrimPrefix(k, v1alpha1.AnnotationIstioTrafficPrefix)
		narrows := (strings.HasPrefix(setting, "exclude") && v != "") ||
			((setting == "includeInboundPorts" || setting == "includeOutboundIPRanges") && v != "*")
		if narrows {
			return fmt.Sprintf("%s.annotations[%s]", w.PodMetaPath, k),
				fmt.Sprintf("%s: %q leaves traffic out of the mesh proxy, where mutual TLS is not enforced", k, v)
		}
	}
	return "", ""
}
