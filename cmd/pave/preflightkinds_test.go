package main

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// preflight reads each kind the rules judge unstructured once: a
// SecretStore, which two rules judge, read twice would be named twice.
func TestPreflightReadsEachJudgedKindOnce(t *testing.T) {
	seen := map[schema.GroupVersionKind]bool{}
	for _, gvk := range judgedKinds() {
		if seen[gvk] {
			t.Errorf("%s is read twice", gvk)
		}
		seen[gvk] = true
	}
	if !seen[schema.GroupVersionKind{Group: "external-secrets.io", Version: "v1", Kind: "SecretStore"}] {
		t.Errorf("SecretStores are not read: %v", judgedKinds())
	}
}
