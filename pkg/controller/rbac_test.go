package controller_test

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/internal/rbactest"
	"github.com/pave-dev/pave/pkg/admissionpolicy"
	"github.com/pave-dev/pave/pkg/audit"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/policy"
)

// The ClusterRole pave's controller runs under lets it write, watch and prune every kind
// its generators describe: the list comes from the engine, not by hand.
func TestRBACCoversWhatTheGeneratorsWrite(t *testing.T) {
	roles, err := rbactest.ClusterRoles("../../manifests/deploy/rbac.yaml")
	if err != nil {
		t.Fatal(err)
	}
	role, ok := roles["pave-controller"]
	if !ok {
		t.Fatal("no ClusterRole pave-controller in rbac.yaml")
	}
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, gvk := range append(append(eng.WorkloadKinds(), eng.NamespaceKinds()...), eng.ClusterKinds()...) {
		if missing, resource := rbactest.Missing(role, gvk, "get", "list", "watch", "create", "patch", "update", "delete"); len(missing) > 0 {
			t.Errorf("%s: the ClusterRole lacks %v on %s", gvk.Kind, missing, resource)
		}
	}
}

// Both service accounts may write the audit's reports in either format:
// every admission replica merges its findings in, the controller's
// background audit lists them, writes its results and deletes those of the
// format the policy left. Both read when the report guard came into force,
// and delete a report made before it (audit.Store.Guarded).
func TestRBACCoversTheReports(t *testing.T) {
	roles, err := rbactest.ClusterRoles("../../manifests/deploy/rbac.yaml")
	if err != nil {
		t.Fatal(err)
	}
	need := map[string][]string{"pave-admission": {"get", "create", "update", "delete"}, "pave-controller": {"get", "list", "create", "update", "delete"}}
	for role, verbs := range need {
		for _, gvk := range audit.ReportKinds {
			if missing, resource := rbactest.Missing(roles[role], gvk, verbs...); len(missing) > 0 {
				t.Errorf("%s lacks %v on %s", role, missing, resource)
			}
		}
		for _, gvk := range admissionpolicy.Kinds() {
			if missing, resource := rbactest.Missing(roles[role], gvk, "get"); len(missing) > 0 {
				t.Errorf("%s lacks %v on %s", role, missing, resource)
			}
		}
	}
}

// The controller records a canary's progress on the canary Deployment
// (progressCanary's merge patch): without the grant a stepped canary never
// leaves its first step in an install, where only the admin's credentials
// had let it in the end-to-end suite.
func TestRBACCoversTheCanaryStatus(t *testing.T) {
	roles, err := rbactest.ClusterRoles("../../manifests/deploy/rbac.yaml")
	if err != nil {
		t.Fatal(err)
	}
	deployment := appsv1.SchemeGroupVersion.WithKind("Deployment")
	if missing, resource := rbactest.Missing(roles["pave-controller"], deployment, "patch"); len(missing) > 0 {
		t.Errorf("pave-controller lacks %v on %s", missing, resource)
	}
}

// The controller lists the Pods of a namespace that carry no zone label and
// patches the label on (labelZones).
func TestRBACCoversTheZoneLabels(t *testing.T) {
	roles, err := rbactest.ClusterRoles("../../manifests/deploy/rbac.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if missing, resource := rbactest.Missing(roles["pave-controller"], corev1.SchemeGroupVersion.WithKind("Pod"), "list", "patch"); len(missing) > 0 {
		t.Errorf("pave-controller lacks %v on %s", missing, resource)
	}
}

// The background audit lists every object of the kinds pave's rules judge,
// to judge it again (audit.Scanner); the kinds come from the engine.
func TestRBACCoversTheBackgroundAudit(t *testing.T) {
	roles, err := rbactest.ClusterRoles("../../manifests/deploy/rbac.yaml")
	if err != nil {
		t.Fatal(err)
	}
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, gvk := range eng.ObjectKinds() {
		if missing, resource := rbactest.Missing(roles["pave-controller"], gvk, "list"); len(missing) > 0 {
			t.Errorf("pave-controller lacks %v on %s", missing, resource)
		}
	}
}
