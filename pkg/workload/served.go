package workload

import (
	"slices"
	"strings"
)

// ServedKinds are the long-running kinds whose companion objects pave keeps:
// the controller reconciles them, and the generators write for them alone.
// A Pod or a ReplicaSet belongs to the workload that made it; a Job ends.
func ServedKinds() []string { return []string{"Deployment", "StatefulSet", "DaemonSet"} }

// Served reports whether w is of a served kind.
func Served(w *Workload) bool { return slices.Contains(ServedKinds(), w.Kind) }

// CompanionName is what a served workload's own companion objects (its
// ingress policy, dashboard, PodMonitor, SLO rules, ExternalSecrets) are
// named after: a Deployment's name, a StatefulSet's or DaemonSet's name and
// kind (web-statefulset). Kubernetes lets the three kinds share a name in
// one namespace; named after the name alone they would share one policy,
// each reconcile rewriting it for one of them and the other's pods cut off.
func CompanionName(w *Workload) string {
	if w.Kind == "Deployment" {
		return w.Name()
	}
	return w.Name() + "-" + strings.ToLower(w.Kind)
}
