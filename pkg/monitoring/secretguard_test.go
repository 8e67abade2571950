package monitoring_test

import (
	"context"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
)

// A team's Secret labelled for the Grafana sidecar is refused, judged as
// the API server would (e2e TestTeamMemberCannotTakeAnotherNamespacesDashboard):
// the sidecar would read it as a dashboard pave never judged. Other
// Secrets, the platform team's and those of the namespaces pave leaves to
// the platform pass.
func TestSecretGuardKeepsDashboardsInConfigMaps(t *testing.T) {
	objs, err := monitoring.SecretGuard{Install: v1alpha1.Install{PaveNamespace: "pave-system"}}.GenerateCluster(context.Background(), policy.Default())
	if err != nil || len(objs) != 2 {
		t.Fatalf("%d objects, %v", len(objs), err)
	}
	vap := objs[0].(*admissionregistrationv1.ValidatingAdmissionPolicy)
	team := []string{"system:authenticated"}
	for _, c := range []struct {
		name      string
		labels    map[string]any
		groups    []string
		namespace string
		refused   bool
		matched   bool
	}{
		{name: "a team's dashboard Secret", labels: map[string]any{"grafana_dashboard": "1"}, groups: team, namespace: "pay", refused: true, matched: true},
		{name: "the sidecar's label with another value", labels: map[string]any{"grafana_dashboard": "0", "app": "web"}, groups: team, namespace: "pay", refused: true, matched: true},
		{name: "a team's other Secret", labels: map[string]any{"app": "web"}, groups: team, namespace: "pay", matched: true},
		{name: "a Secret without labels", groups: team, namespace: "pay", matched: true},
		{name: "the platform team's", labels: map[string]any{"grafana_dashboard": "1"}, groups: []string{"system:masters"}, namespace: "pay", matched: true},
		{name: "in the monitoring stack's namespace", labels: map[string]any{"grafana_dashboard": "1"}, groups: team, namespace: "monitoring"},
		{name: "in pave's", labels: map[string]any{"grafana_dashboard": "1"}, groups: team, namespace: "pave-system"},
	} {
		t.Run(c.name, func(t *testing.T) {
			meta := map[string]any{"name": "dash", "namespace": c.namespace}
			if c.labels != nil {
				meta["labels"] = c.labels
			}
			req := evaluate.Request{Resource: schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, Operation: "CREATE",
				Namespace: c.namespace, Username: "dev", Groups: c.groups,
				Object: map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": meta, "data": map[string]any{"web.json": "e30="}}}
			matched, failed, err := evaluate.Policy(vap, req)
			if err != nil {
				t.Fatal(err)
			}
			if matched != c.matched {
				t.Fatalf("matched %v, want %v", matched, c.matched)
			}
			if c.refused != (len(failed) > 0) {
				t.Fatalf("refused %v, want %v: %q", len(failed) > 0, c.refused, failed)
			}
			if c.refused && !strings.Contains(failed[0], "Secret dash carries the label grafana_dashboard, so the Grafana sidecar reads it as a dashboard") {
				t.Errorf("message: %q", failed[0])
			}
		})
	}
	off := false
	p := policy.Default()
	p.Spec.Monitoring.Dashboards.Enabled = &off
	if objs, err := (monitoring.SecretGuard{Install: v1alpha1.Install{PaveNamespace: "pave-system"}}).GenerateCluster(context.Background(), p); err != nil || len(objs) != 0 {
		t.Errorf("a policy that writes no dashboards got %d objects (%v)", len(objs), err)
	}
}
