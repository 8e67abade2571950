package v1alpha1

import "slices"

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

// TeamOf is the team a namespace's labels name: LabelTeam, else
// LabelTeamShort, else "".
func TeamOf(namespaceLabels map[string]string) string {
	if t := namespaceLabels[LabelTeam]; t != "" {
		return t
	}
	return namespaceLabels[LabelTeamShort]
}
