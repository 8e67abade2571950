package v1alpha1

import (
	"fmt"
	"slices"
)

// LabelNamespaceName is the label the API server sets on every Namespace to
// its name; selectors that pick namespaces by name use it.
const LabelNamespaceName = "kubernetes.io/metadata.name"

// SystemNamespaces are the control plane's namespaces. pave never governs
// them (the webhook configurations exclude them, with pave's own), and zone
// isolation never counts their pods as members of a zone.
func SystemNamespaces() []string { return []string{"kube-system", "kube-public", "kube-node-lease"} }

// DefaultPaveNamespace is where pave runs unless told otherwise.
const DefaultPaveNamespace = "pave-system"

// Ungoverned are the namespaces pave's webhooks never match: the control
// plane's, pave's own and those the platform excludes beside them (the
// chart's webhooks.excludeNamespaces), each once.
func Ungoverned(paveNamespace string, excluded ...string) []string {
	out := append(SystemNamespaces(), paveNamespace)
	for _, ns := range excluded {
		if ns != "" && !slices.Contains(out, ns) {
			out = append(out, ns)
		}
	}
	return out
}

// Install is where pave runs and which namespaces it leaves alone: what
// the generators of cluster-wide objects (the guards, the zones'
// boundaries) know of the install beyond the policy. One value, filled from
// --pave-namespace and --exclude-namespaces, is handed to all of them.
// +kubebuilder:object:generate=false
type Install struct {
	// PaveNamespace is where pave runs: no team's, and its service accounts
	// write what the guards keep from teams.
	PaveNamespace string
	// Excluded are the namespaces pave does not govern besides the control
	// plane's and its own (--exclude-namespaces).
	Excluded []string
}

// Ungoverned is Ungoverned(i.PaveNamespace, i.Excluded...).
func (i Install) Ungoverned() []string { return Ungoverned(i.PaveNamespace, i.Excluded...) }

// Known is an error naming what needs pave's namespace when it is unknown:
// a guard written without it would trust no service account of pave's.
func (i Install) Known(what string) error {
	if i.PaveNamespace == "" {
		return fmt.Errorf("%s: pave's namespace is unknown", what)
	}
	return nil
}

// TeamOf is the team a namespace's labels name: LabelTeam, else
// LabelTeamShort, else "".
func TeamOf(namespaceLabels map[string]string) string {
	if t := namespaceLabels[LabelTeam]; t != "" {
		return t
	}
	return namespaceLabels[LabelTeamShort]
}
