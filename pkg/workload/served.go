package workload

import "slices"

// ServedKinds are the long-running kinds whose companion objects pave keeps:
// the controller reconciles them, and the generators write for them alone.
// A Pod or a ReplicaSet belongs to the workload that made it; a Job ends.
func ServedKinds() []string { return []string{"Deployment", "StatefulSet", "DaemonSet"} }

// Served reports whether w is of a served kind.
func Served(w *Workload) bool { return slices.Contains(ServedKinds(), w.Kind) }
