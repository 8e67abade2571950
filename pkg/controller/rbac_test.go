package controller_test

import (
	"os"
	"slices"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/audit"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
)

// The ClusterRole pave's controller runs under lets it write, watch and prune every kind
// its generators describe: the list comes from the engine, not by hand.
func TestRBACCoversWhatTheGeneratorsWrite(t *testing.T) {
	path := "../../manifests/deploy/rbac.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var role rbacv1.ClusterRole
	for _, doc := range manifest.Split(path, data) {
		var r rbacv1.ClusterRole
		if err := yaml.Unmarshal(doc.Raw, &r); err == nil && r.Kind == "ClusterRole" && r.Name == "pave-controller" {
			role = r
		}
	}
	if len(role.Rules) == 0 {
		t.Fatal("no ClusterRole pave-controller in rbac.yaml")
	}
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	need := []string{"get", "list", "watch", "create", "patch", "update", "delete"}
	for _, gvk := range append(append(eng.WorkloadKinds(), eng.NamespaceKinds()...), eng.ClusterKinds()...) {
		plural, _ := meta.UnsafeGuessKindToResource(gvk)
		var verbs []string
		for _, r := range role.Rules {
			if slices.Contains(r.APIGroups, gvk.Group) && slices.Contains(r.Resources, plural.Resource) {
				verbs = append(verbs, r.Verbs...)
			}
		}
		for _, v := range need {
			if !slices.Contains(verbs, v) {
				t.Errorf("%s: the ClusterRole lacks %s on %s.%s", gvk.Kind, v, plural.Resource, gvk.Group)
			}
		}
	}
}

// Both service accounts may write the audit's reports in either format:
// every admission replica merges its findings in, the controller's
// background audit lists them, writes its results and deletes those of the
// format the policy left.
func TestRBACCoversTheReports(t *testing.T) {
	data, err := os.ReadFile("../../manifests/deploy/rbac.yaml")
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]rbacv1.ClusterRole{}
	for _, doc := range manifest.Split("rbac.yaml", data) {
		var r rbacv1.ClusterRole
		if err := yaml.Unmarshal(doc.Raw, &r); err == nil && r.Kind == "ClusterRole" {
			roles[r.Name] = r
		}
	}
	need := map[string][]string{"pave-admission": {"get", "create", "update"}, "pave-controller": {"get", "list", "create", "update", "delete"}}
	for role, verbs := range need {
		for _, gvk := range audit.ReportKinds {
			plural, _ := meta.UnsafeGuessKindToResource(gvk)
			var have []string
			for _, r := range roles[role].Rules {
				if slices.Contains(r.APIGroups, gvk.Group) && slices.Contains(r.Resources, plural.Resource) {
					have = append(have, r.Verbs...)
				}
			}
			for _, v := range verbs {
				if !slices.Contains(have, v) {
					t.Errorf("%s lacks %s on %s.%s", role, v, plural.Resource, gvk.Group)
				}
			}
		}
	}
}
