package monitoring_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestBoundsDenyWithTheRange(t *testing.T) {
	for _, c := range []struct{ name, annotations, field, want string }{
		{"within bounds", `{pave.dev/slo-availability: "99.9", pave.dev/slo-latency: 250ms, pave.dev/slo-latency-percentile: p95, pave.dev/slo-window: 28d}`, "", ""},
		// Of a latency no bucket counts, no series exists: the objective
		// would measure nothing and never alert.
		{"latency between buckets", `{pave.dev/slo-latency: 200ms}`, "metadata.annotations[pave.dev/slo-latency]", "latency 200ms is no bucket of the latency histogram"},
		{"the buckets around it", `{pave.dev/slo-latency: 300ms}`, "metadata.annotations[pave.dev/slo-latency]", "set a target the histogram has a bucket for: 250ms or 500ms"},
		{"above every bucket", `{pave.dev/slo-latency: 20s}`, "metadata.annotations[pave.dev/slo-latency]", "bucket for: 10s ("},
		{"too ambitious", `{pave.dev/slo-availability: "99.999"}`, "metadata.annotations[pave.dev/slo-availability]", "availability 99.999% is outside the policy's range 90%–99.99%"},
		{"no promise", `{pave.dev/slo-availability: "50"}`, "metadata.annotations[pave.dev/slo-availability]", "outside the policy's range 90%–99.99%"},
		{"not a number", `{pave.dev/slo-availability: "three nines"}`, "metadata.annotations[pave.dev/slo-availability]", "is not a percentage"},
		// NaN passes every comparison of a range: it would have been an
		// objective that never alerts.
		{"availability not a number", `{pave.dev/slo-availability: NaN}`, "metadata.annotations[pave.dev/slo-availability]", `"NaN" is not a percentage`},
		{"percentile not a number", `{pave.dev/slo-latency: 100ms, pave.dev/slo-latency-percentile: pNaN}`, "metadata.annotations[pave.dev/slo-latency-percentile]", `"pNaN" is not a percentile`},
		{"latency below the floor", `{pave.dev/slo-latency: 2ms}`, "metadata.annotations[pave.dev/slo-latency]", "latency 2ms is below the policy's minimum 10ms"},
		{"a median is no SLO", `{pave.dev/slo-latency: 100ms, pave.dev/slo-latency-percentile: p50}`, "metadata.annotations[pave.dev/slo-latency-percentile]", "the latency percentile 50% is outside"},
		{"window not offered", `{pave.dev/slo-availability: "99", pave.dev/slo-window: 90d}`, "metadata.annotations[pave.dev/slo-window]", "use one of 7d, 28d, 30d"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, annotations: `+c.annotations+`}
spec: {selector: {matchLabels: {app: api}}, template: {spec: {containers: [{name: api, image: x:1}]}}}`)
			vs := monitoring.Bounds{}.Validate(context.Background(), w, workloadtest.Env())
			if c.want == "" {
				if len(vs) > 0 {
					t.Fatalf("denied %+v", vs)
				}
				return
			}
			if len(vs) != 1 || vs[0].Field != c.field || !strings.Contains(vs[0].Message+" "+vs[0].Fix, c.want) || !vs[0].Denies() {
				t.Fatalf("violations %+v, want one denial at %s saying %q", vs, c.field, c.want)
			}
		})
	}
}

// A meshed workload's latency is judged by Istio's buckets, a plain one's by
// the Prometheus client libraries'; a policy that writes its own fast query
// and no buckets is judged by none.
func TestBoundsJudgeLatencyByTheHistogramsBuckets(t *testing.T) {
	own := workloadtest.Env()
	fast := `sum(rate(req_seconds_bucket{namespace="{{.Namespace}}",le="{{.LatencySeconds}}"}[{{.Window}}]))`
	p, err := policy.FromSpec(v1alpha1.PlatformPolicySpec{Monitoring: v1alpha1.MonitoringPolicy{SLO: v1alpha1.SLOPolicy{Plain: v1alpha1.SLIQueries{Fast: fast}}}})
	if err != nil {
		t.Fatal(err)
	}
	own.Policy = p
	for _, c := range []struct {
		name    string
		env     policy.Env
		latency string
		denied  bool
	}{
		{"meshed, an Istio bucket", workloadtest.MeshEnv(t, v1alpha1.MeshIstio), "1s", false},
		{"meshed, no Istio bucket", workloadtest.MeshEnv(t, v1alpha1.MeshIstio), "750ms", true},
		{"meshed, beyond the client's buckets", workloadtest.MeshEnv(t, v1alpha1.MeshIstio), "30s", false},
		{"plain, beyond the client's buckets", workloadtest.Env(), "30s", true},
		{"plain, the policy's own query", own, "300ms", false},
	} {
		w := workloadtest.FromYAML(t, workloadtest.Served("api", "shop"))
		w.Meta.Annotations = map[string]string{"pave.dev/slo-latency": c.latency}
		vs := monitoring.Bounds{}.Validate(context.Background(), w, c.env)
		if (len(vs) > 0) != c.denied {
			t.Errorf("%s: latency %s: findings %+v, want denied %v", c.name, c.latency, vs, c.denied)
		}
	}
}
