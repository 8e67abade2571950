package e2e

import (
	"fmt"
	"testing"
	"time"
)

// The labels that decide a namespace's zone, tier and owner, and
// Kubernetes' DRA admin access, are the platform team's: a team member who may create namespaces cannot set or change them,
// a cluster admin can. The guard is a ValidatingAdmissionPolicy inside the
// API server, not a webhook.
func TestGuardedNamespaceLabels(t *testing.T) {
	rbac := fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: namespace-maker}
rules: [{apiGroups: [""], resources: [namespaces], verbs: [get, list, create, patch, update]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dev-namespace-maker}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: namespace-maker}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: %q}]
`, dev)
	if _, err := s.kubectlIn(rbac, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	labelled := "apiVersion: v1\nkind: Namespace\nmetadata: {name: dev-public, labels: {pave.dev/zone: public}}\n"
	eventually(t, 30*time.Second, func() error { // the policy reaches the API server
		_, err := asDev(labelled, "create", "--dry-run=server", "-f", "-")
		if err == nil {
			return fmt.Errorf("a team member set pave.dev/zone on a new namespace")
		}
		return nil
	})
	_, err := asDev(labelled, "create", "-f", "-")
	if err == nil {
		t.Fatal("a team member created a namespace in zone public")
	}
	mustContain(t, err.Error(), "only members of system:masters may set or change the namespace labels pave.dev/zone, pave.dev/tier, pave.dev/team")
	if _, err := asDev("", "create", "namespace", "dev-plain"); err != nil {
		t.Fatalf("a namespace without guarded labels was refused: %v", err)
	}
	// It ends in tier large, which a later policy need not keep.
	t.Cleanup(func() { _, _ = s.kubectl("delete", "namespace", "dev-plain", "--wait=false") })
	if _, err := asDev("", "label", "namespace", "dev-plain", "pave.dev/tier=large"); err == nil {
		t.Fatal("a team member resized a namespace")
	}
	// Kubernetes lets a namespace so labelled claim devices other
	// namespaces' Pods hold (DRA adminAccess).
	if _, err := asDev("", "label", "namespace", "dev-plain", "resource.kubernetes.io/admin-access=true"); err == nil {
		t.Fatal("a team member gave its namespace admin access to every device")
	}
	if _, err := asDev("", "label", "namespace", "dev-plain", "purpose=demo"); err != nil {
		t.Fatalf("an unguarded label was refused: %v", err)
	}
	if _, err := s.kubectl("label", "namespace", "dev-plain", "pave.dev/tier=large"); err != nil {
		t.Fatalf("a cluster admin could not set the tier: %v", err)
	}
}
