package mesh_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// An annotation's duration Istio does not take is a problem, not a setting:
// the VirtualService pave writes from it would be refused, by the API server
// below 1ms and by istiod's validation finer than a millisecond, and the
// service left without its routes.
func TestEffectiveRefusesDurationsIstioRefuses(t *testing.T) {
	policy := workloadtest.MeshEnv(t, "istio").Policy.Spec.Mesh.Traffic
	cases := []struct {
		key, value string
		want       string // the problem's message; "" for none
	}{
		{"pave.dev/timeout", "500us", "500µs is below 1ms, the shortest duration Istio takes"},
		{"pave.dev/timeout", "1500us", "1.5ms is not a whole number of milliseconds"},
		{"pave.dev/timeout", "1.0005s", "1.0005s is not a whole number of milliseconds"},
		{"pave.dev/timeout", "1.5s", ""},
		{"pave.dev/timeout", "999999ns", "999.999µs is below 1ms"},
		{"pave.dev/timeout", "1ms", ""},
		{"pave.dev/timeout", "0s", "0s is below 1ms"},
		{"pave.dev/timeout", "-5s", "-5s is below 1ms"},
		{"pave.dev/timeout", "5 seconds", `"5 seconds" is not a duration`},
		{"pave.dev/per-try-timeout", "1ns", "1ns is below 1ms, the shortest duration Istio takes"},
		{"pave.dev/per-try-timeout", "2.5ms", "2.5ms is not a whole number of milliseconds"},
		{"pave.dev/per-try-timeout", "0.5ms", "500µs is below 1ms"},
		{"pave.dev/per-try-timeout", "2ms", ""},
	}
	for _, c := range cases {
		w := workloadtest.FromYAML(t, workloadtest.Served("web", "shop"))
		w.Meta.Annotations = map[string]string{c.key: c.value}
		s, problems := mesh.Effective(w, policy)
		switch {
		case c.want == "" && len(problems) > 0:
			t.Errorf("%s=%s: problems %v, want none", c.key, c.value, problems)
		case c.want != "" && (len(problems) != 1 || problems[0].Annotation != c.key || !strings.Contains(problems[0].Message, c.want)):
			t.Errorf("%s=%s: problems %+v, want one of %s saying %q", c.key, c.value, problems, c.key, c.want)
		case c.want != "" && (s.Timeout < time.Millisecond || s.PerTryTimeout < time.Millisecond):
			t.Errorf("%s=%s: settings %+v took the refused value", c.key, c.value, s)
		}
	}
}
