package preflight_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
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
		Install: v1alpha1.Install{PaveNamespace: "pave-system"}, Guarded: guarded,
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

// A configuration snippet written before pave stays editable (the ingress
// guard refuses only what a change adds), so nothing would ever make its
// team remove it: preflight names it, as a guard keeps it. An Ingress
// without one is not a finding; one labelled as pave's is, since pave
// writes no Ingress and anyone may write the label.
func TestGuardsNameWhatTheyKeep(t *testing.T) {
	ingress := func(name string, labels, annotations map[string]string) client.Object {
		return &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shop", Labels: labels, Annotations: annotations},
			Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: name + ".example.com"}}}}
	}
	snippet := map[string]string{"nginx.ingress.kubernetes.io/server-snippet": "location /x { return 200; }"}
	found, err := preflight.Run(context.Background(), policy.Default(), preflight.Cluster{
		Install: v1alpha1.Install{PaveNamespace: "pave-system"},
		Routing: []client.Object{
			ingress("old", nil, snippet),
			ingress("plain", nil, map[string]string{"nginx.ingress.kubernetes.io/rewrite-target": "/"}),
			ingress("labelled", map[string]string{"app.kubernetes.io/managed-by": "pave"}, snippet),
		},
		Namespaces: map[string]map[string]string{"shop": {"pave.dev/zone": "internal", "pave.dev/team": "shop"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var kept []preflight.Finding
	for _, f := range found {
		switch f.Check {
		case "guard-keeps":
			kept = append(kept, f)
		case "guard-would-refuse":
			t.Errorf("an unchanged snippet is refused? %+v", f)
		}
	}
	if len(kept) != 2 || kept[0].Subject != "Ingress shop/old" || kept[1].Subject != "Ingress shop/labelled" {
		t.Fatalf("guard-keeps findings %+v, want one on Ingress shop/old, one on shop/labelled", kept)
	}
	mustHave := []string{"nginx.ingress.kubernetes.io/server-snippet", "pave-ingress-snippets", "may not write it anew"}
	for _, want := range mustHave {
		if !strings.Contains(kept[0].Message, want) {
			t.Errorf("message %q lacks %q", kept[0].Message, want)
		}
	}
	if !preflight.Failed(found) {
		t.Error("not failed")
	}
}
