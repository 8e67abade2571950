package istio_test

import (
	"context"
	"testing"
	"time"

	networking "istio.io/client-go/pkg/apis/networking/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/mesh/istio"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

const canary = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-canary
  namespace: shop
  labels: {app.kubernetes.io/name: web}
  annotations: {pave.dev/canary-of: web, pave.dev/canary-weight: "10"}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: web, pave.dev/track: canary}}
  template:
    metadata: {labels: {app.kubernetes.io/name: web, pave.dev/track: canary}}
    spec:
      containers: [{name: web, image: "web:2", ports: [{containerPort: 8080}]}]
`

// generate runs the traffic generator for the served Deployment, with
// its canary when withCanary, and returns its objects by kind.
func generate(t *testing.T, rules []policy.IstioRule, withCanary bool) (*networking.DestinationRule, *networking.VirtualService) {
	t.Helper()
	env := workloadtest.MeshEnv(t, v1alpha1.MeshIstio)
	env.IstioRules = rules
	if withCanary {
		env.Canary = workloadtest.FromYAML(t, canary)
	}
	objs, err := istio.Traffic{}.Generate(context.Background(), workloadtest.FromYAML(t, workloadtest.Served("web", "shop")), env)
	if err != nil {
		t.Fatal(err)
	}
	var d *networking.DestinationRule
	var v *networking.VirtualService
	for _, o := range objs {
		switch o := o.(type) {
		case *networking.DestinationRule:
			d = o
		case *networking.VirtualService:
			v = o
		default:
			t.Fatalf("unexpected %T", o)
		}
	}
	return d, v
}

func TestTrafficStepsAsideForTheTeamsRules(t *testing.T) {
	teamDR := policy.IstioRule{Kind: mesh.KindDestinationRule, Name: "web", Hosts: []string{"web"}, TrafficPolicy: true}
	d, v := generate(t, nil, true)
	if d == nil || v == nil || d.Spec.TrafficPolicy == nil || len(d.Spec.Subsets) != 2 {
		t.Fatalf("without the team's rules: %v, %v", d, v)
	}

	// The team's VirtualService: pave writes none, nor the canary's subsets
	// that only its routes used; its traffic policy stays.
	d, v = generate(t, []policy.IstioRule{policy.IstioRule{Kind: mesh.KindVirtualService, Name: "web", Hosts: []string{"web"}}}, true)
	if v != nil {
		t.Errorf("pave's VirtualService beside the team's: %v", v.Spec.Hosts)
	}
	if d == nil || d.Spec.TrafficPolicy == nil || len(d.Spec.Subsets) != 0 {
		t.Errorf("DestinationRule beside the team's VirtualService: %v", d)
	}

	// The team's DestinationRule with a traffic policy: pave's keeps the
	// canary's subsets, which Istio merges, and no traffic policy.
	d, v = generate(t, []policy.IstioRule{teamDR}, true)
	if d == nil || d.Spec.TrafficPolicy != nil || len(d.Spec.Subsets) != 2 || v == nil {
		t.Errorf("beside the team's DestinationRule: %v, %v", d, v)
	}

	// ... and with no canary, pave's rule would be empty: none is written.
	d, v = generate(t, []policy.IstioRule{teamDR}, false)
	if d != nil || v == nil {
		t.Errorf("beside the team's DestinationRule, no canary: %v, %v", d, v)
	}

	// Both: pave writes nothing for the service.
	if d, v = generate(t, []policy.IstioRule{teamDR, policy.IstioRule{Kind: mesh.KindVirtualService, Name: "web", Hosts: []string{"web"}}}, false); d != nil || v != nil {
		t.Errorf("beside both of the team's: %v, %v", d, v)
	}
}

// Istio's CRDs refuse "0s" where they take a duration, so a duration the
// policy sets to none is left out, to Istio's default, and the objects stay
// ones the API server takes.
func TestTrafficLeavesOutDurationsThePolicySetsToNone(t *testing.T) {
	env := workloadtest.MeshEnv(t, v1alpha1.MeshIstio)
	spec := env.Policy.Spec
	zero := &v1alpha1.Duration{}
	spec.Mesh.Traffic.Timeout, spec.Mesh.Traffic.OutlierDetection.Interval, spec.Mesh.Traffic.OutlierDetection.BaseEjectionTime = zero, zero, zero
	spec.Mesh.Traffic.Retries.PerTryTimeout = &v1alpha1.Duration{Duration: 2 * time.Second}
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	env.Policy = p
	objs, err := istio.Traffic{}.Generate(context.Background(), workloadtest.FromYAML(t, workloadtest.Served("web", "shop")), env)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		switch o := o.(type) {
		case *networking.DestinationRule:
			if od := o.Spec.TrafficPolicy.OutlierDetection; od.Interval != nil || od.BaseEjectionTime != nil {
				t.Errorf("outlier detection = %v, want no interval and no ejection time", od)
			}
		case *networking.VirtualService:
			r := o.Spec.Http[0]
			if r.Timeout != nil {
				t.Errorf("route timeout = %v, want none", r.Timeout)
			}
			// With no timeout for the request, a try keeps its own.
			if got := r.Retries.PerTryTimeout.AsDuration(); got != 2*time.Second {
				t.Errorf("per-try timeout = %s, want 2s", got)
			}
		}
	}
}

// pave.dev/retries: "0", or a policy's attempts: 0, turns retries off:
// Istio reads that from attempts 0 alone, and its validation
// (validateHTTPRetry) refuses a per-try timeout or retry conditions beside
// it, so the VirtualService could not be written. The policy's 0 was once
// dropped where the policy is laid over the built-in one, which retried
// twice.
func TestTrafficWithoutRetriesSaysAttemptsZeroAlone(t *testing.T) {
	noRetries := workloadtest.PolicyOf(t, "{mesh: {mode: istio, traffic: {retries: {attempts: 0}}}}")
	for name, c := range map[string]struct {
		annotations map[string]string
		policy      *policy.Policy
	}{
		"annotation": {annotations: map[string]string{v1alpha1.AnnotationRetries: "0"}},
		"policy":     {policy: noRetries},
	} {
		t.Run(name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, workloadtest.Served("web", "shop"))
			w.Meta.Annotations = c.annotations
			env := workloadtest.MeshEnv(t, v1alpha1.MeshIstio)
			if c.policy != nil {
				env.Policy = c.policy
			}
			objs, err := istio.Traffic{}.Generate(context.Background(), w, env)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range objs {
				if vs, ok := o.(*networking.VirtualService); ok {
					r := vs.Spec.Http[0].Retries
					if r == nil || r.Attempts != 0 || r.PerTryTimeout != nil || r.RetryOn != "" {
						t.Fatalf("retries = %v, want attempts 0 and nothing else", r)
					}
					return
				}
			}
			t.Fatal("no VirtualService")
		})
	}
}

// outlierDetection: {consecutiveErrors: 0} turns the circuit breaker off:
// the DestinationRule says nothing of outliers, and Istio ejects nothing.
// The policy's 0 was once dropped (five errors ejected an endpoint), and
// then refused by the CRD.
func TestTrafficWithoutCircuitBreaker(t *testing.T) {
	w := workloadtest.FromYAML(t, workloadtest.Served("web", "shop"))
	for _, c := range []struct {
		spec string
		off  bool
	}{
		{"{mesh: {mode: istio}}", false},
		{"{mesh: {mode: istio, traffic: {outlierDetection: {consecutiveErrors: 0}}}}", true},
	} {
		env := workloadtest.MeshEnv(t, v1alpha1.MeshIstio)
		env.Policy = workloadtest.PolicyOf(t, c.spec)
		objs, err := istio.Traffic{}.Generate(context.Background(), w, env)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, o := range objs {
			if dr, ok := o.(*networking.DestinationRule); ok {
				found = true
				if od := dr.Spec.TrafficPolicy.OutlierDetection; (od == nil) != c.off {
					t.Errorf("%s: outlier detection %v, want off=%v", c.spec, od, c.off)
				}
			}
		}
		if !found {
			t.Fatalf("%s: no DestinationRule", c.spec)
		}
	}
}
