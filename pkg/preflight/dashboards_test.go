package preflight_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/preflight"
)

// Dashboards written before pave: a team's ConfigMap with another
// namespace's key, uid or title would be denied on its next change; a
// team's labelled Secret is refused by the guard. The team's own
// dashboard, pave's own (in the key and uid it wrote before stop 55) and
// a dashboard of the monitoring stack's are not named.
func TestPreflightNamesDashboardsTakingAnotherNamespaces(t *testing.T) {
	dashboard := func(ns, name string, labels map[string]string, key, json string) corev1.ConfigMap {
		l := map[string]string{"grafana_dashboard": "1"}
		for k, v := range labels {
			l[k] = v
		}
		return corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: l}, Data: map[string]string{key: json}}
	}
	secret := unstructured.Unstructured{}
	secret.SetAPIVersion("v1")
	secret.SetKind("Secret")
	secret.SetNamespace("pay")
	secret.SetName("dash")
	secret.SetLabels(map[string]string{"grafana_dashboard": "1"})
	c := preflight.Cluster{Install: v1alpha1.Install{PaveNamespace: "pave-system"},
		Namespaces: map[string]map[string]string{"shop": {"pave.dev/team": "shop"}, "pay": {"pave.dev/team": "pay"}, "monitoring": nil},
		Dashboards: []corev1.ConfigMap{
			dashboard("pay", "stolen", nil, "pave_shop_web.json", `{"uid": "`+monitoring.DashboardUID("shop", "web")+`", "title": "shop / web"}`),
			dashboard("pay", "own", nil, "pay-overview.json", `{"uid": "pay-overview", "title": "pay / overview"}`),
			dashboard("shop", "pave-web-dashboard", map[string]string{"app.kubernetes.io/managed-by": "pave"}, "shop-web.json", `{"uid": "pave-0123456789abcdef0123", "title": "shop / web"}`),
			dashboard("monitoring", "k8s", nil, "pave_shop_web.json", `{"title": "shop / web"}`),
		},
		Guarded: []unstructured.Unstructured{secret},
	}
	found, err := preflight.Run(context.Background(), policy.Default(), c)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		if f.Check != "policy-would-deny" && f.Check != "guard-would-refuse" {
			continue
		}
		got = append(got, f.Check+" "+f.Subject)
		switch f.Subject {
		case "ConfigMap pay/stolen":
			for _, field := range []string{"data[pave_shop_web.json]", "data[pave_shop_web.json].uid", "data[pave_shop_web.json].title"} {
				if !strings.Contains(f.Message, "dashboard-scope ("+field+")") {
					t.Errorf("%s does not name %s: %s", f.Subject, field, f.Message)
				}
			}
		case "Secret pay/dash":
			if !strings.Contains(f.Message, "Grafana sidecar reads it as a dashboard") || !strings.Contains(f.Message, monitoring.SecretGuardName) {
				t.Errorf("%s: %s", f.Subject, f.Message)
			}
		}
	}
	if want := []string{"policy-would-deny ConfigMap pay/stolen", "guard-would-refuse Secret pay/dash"}; !slices.Equal(got, want) {
		t.Errorf("findings %v, want %v", got, want)
	}
}
