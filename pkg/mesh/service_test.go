package mesh_test

import (
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/workload"
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

// Unrouted says why a workload gets no routes, for each way ServiceOf
// finds none, and nothing where it finds one.
func TestUnroutedSaysWhy(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(w *workload.Workload)
		want   string // in why; "" when routed
	}{
		{"routed", func(*workload.Workload) {}, ""},
		{"a Pod", func(w *workload.Workload) { w.Kind = "Pod" }, "pave routes the traffic of Deployment, StatefulSet, DaemonSet only"},
		{"host network", func(w *workload.Workload) { w.PodSpec.HostNetwork = true }, "the host's network"},
		{"no app name", func(w *workload.Workload) { delete(w.Meta.Labels, "app.kubernetes.io/name") }, "no label app.kubernetes.io/name"},
		{"bad app name", func(w *workload.Workload) { w.Meta.Labels["app.kubernetes.io/name"] = "Web" }, `"Web", is not a name a Service can have`},
		{"no port", func(w *workload.Workload) { w.PodSpec.Containers[0].Ports = nil }, "none of its containers declares a port"},
	} {
		w := workloadtest.FromYAML(t, workloadtest.Served("web", "shop"))
		tc.change(w)
		why, fix := mesh.Unrouted(w)
		_, routed := mesh.ServiceOf(w)
		if routed != (tc.want == "") || !strings.Contains(why, tc.want) || (why == "") != (fix == "") || (tc.want == "") != (why == "") {
			t.Errorf("%s: Unrouted = %q, %q (ServiceOf routes: %v); want why containing %q", tc.name, why, fix, routed, tc.want)
		}
	}
}
