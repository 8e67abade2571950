package main

import (
	"slices"
	"testing"
)

// --exclude-namespaces adds to the namespaces pave never governs, once each,
// ignoring blanks around commas.
func TestExcludedNamespacesAreUngoverned(t *testing.T) {
	for _, c := range []struct {
		flag string
		want []string
	}{
		{"", []string{"kube-system", "kube-public", "kube-node-lease", "pave"}},
		{"cilium, cert-manager,,kube-system,pave", []string{"kube-system", "kube-public", "kube-node-lease", "pave", "cilium", "cert-manager"}},
	} {
		if got := (options{paveNamespace: "pave", excludeNamespaces: c.flag}).ungoverned(); !slices.Equal(got, c.want) {
			t.Errorf("--exclude-namespaces=%q: %v, want %v", c.flag, got, c.want)
		}
	}
}
