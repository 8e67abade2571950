package mesh_test

import (
	"testing"

	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A workload serves the Service its app.kubernetes.io/name names, where a
// Service can be so named: a label value may hold what no Service name may,
// and pave's routing objects named after it would be refused.
func TestServiceOfIsANameAServiceCanHave(t *testing.T) {
	for _, c := range []struct {
		label string
		ok    bool
	}{
		{"web", true},
		{"2fa", true}, // a DNS-1123 label: Services take it under relaxed name validation
		{"My_App.v2", false},
		{"web.v2", false},
		{"Web", false},
	} {
		w := workloadtest.FromYAML(t, workloadtest.Served("web", "shop"))
		w.Meta.Labels["app.kubernetes.io/name"] = c.label
		if svc, ok := mesh.ServiceOf(w); ok != c.ok || (ok && svc != c.label) {
			t.Errorf("ServiceOf with app.kubernetes.io/name %q = %q, %v; want %v", c.label, svc, ok, c.ok)
		}
	}
}
