package preflight_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/preflight"
)

// What a team wrote before pave's guards and a guard refuses is open today
// (the API server judges writes): preflight names it. pave's own policies and
// a team's policy between its own pods are not findings.
func TestGuardsJudgeWhatIsThere(t *testing.T) {
	spec := policy.Default().Spec
	spec.Secrets.Store = "org-vault"
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	var guarded []unstructured.Unstructured
	for _, doc := range []string{
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-all, namespace: shop}\nspec: {podSelector: {}, ingress: [{}]}",
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: own, namespace: shop}\nspec: {podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}",
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: pave-zone, namespace: shop, labels: {app.kubernetes.io/managed-by: pave}}\nspec: {podSelector: {}}",
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-all, namespace: ingress-nginx}\nspec: {podSelector: {}, ingress: [{}]}",
		"apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: billing-db, namespace: shop}\nspec: {secretStoreRef: {kind: ClusterSecretStore, name: org-vault}, dataFrom: [{extract: {key: billing/db}}]}",
		"apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: db, namespace: shop}\nspec: {secretStoreRef: {kind: ClusterSecretStore, name: org-vault}, dataFrom: [{extract: {key: shop/db}}]}",
	} {
		var u unstructured.Unstructured
		if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
			t.Fatal(err)
		}
		guarded = append(guarded, u)
	}
	found, err := preflight.Run(context.Background(), p, preflight.Cluster{
		PaveNamespace: "pave-system", Guarded: guarded,
		Namespaces: map[string]map[string]string{"shop": {"pave.dev/zone": "internal"}, "ingress-nginx": nil},
	})
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, f := range found {
		if f.Check != "guard-would-refuse" {
			continue
		}
		subjects = append(subjects, f.Subject)
		if !strings.Contains(f.Message, "refuses a team member's next change") || f.Severity != "medium" {
			t.Errorf("%+v", f)
		}
	}
	if want := []string{"NetworkPolicy shop/allow-all", "ExternalSecret shop/billing-db"}; !slices.Equal(subjects, want) {
		t.Errorf("findings on %v, want %v", subjects, want)
	}
	if !preflight.Failed(found) {
		t.Error("not failed")
	}
}
