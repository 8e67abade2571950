package zones_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
	"github.com/pave-dev/pave/pkg/zones"
)

// The example cluster every zone test renders: three zones, a team
// namespace in each, the platform's shared services, and workloads as teams
// write them (pave completes them first, as admission would).
const examplePolicy = `apiVersion: pave.dev/v1alpha1
kind: PlatformPolicy
metadata: {name: default}
spec:
  mesh: {mode: %q}
  zones:
    isolation: {target: %q}
    access:
    - {zone: public, fromOutside: true, egress: [{cidr: 0.0.0.0/0, except: [10.0.0.0/8], ports: [443]}]}
    - {zone: internal, allowFrom: [public]}
    - {zone: restricted, allowFrom: [internal]}
`

type exampleNamespace struct {
	name, zone string
}

// The team namespaces, by zone, and the platform's (no zone label).
var exampleNamespaces = []exampleNamespace{
	{"shop", "public"}, {"payments", "internal"}, {"vault", "restricted"},
	{"ingress-nginx", ""}, {"monitoring", ""},
}

type exampleWorkload struct {
	namespace, doc string
}

var exampleWorkloads = []exampleWorkload{
	{"shop", `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: x:1, ports: [{containerPort: 8080}]}]}`},
	{"payments", `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: x:1, ports: [{containerPort: 8080}, {containerPort: 9090, name: metrics}, {containerPort: 5353, protocol: UDP}]}]}`},
	{"vault", `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: x:1, ports: [{containerPort: 5432}]}]}`},
	{"payments", `apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    metadata: {labels: {app: migrate}}
    spec: {restartPolicy: Never, containers: [{name: m, image: x:1, ports: [{containerPort: 8080}]}]}`},
	{"monitoring", `apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus}
spec:
  selector: {matchLabels: {app: prometheus}}
  template:
    metadata: {labels: {app: prometheus}}
    spec: {containers: [{name: p, image: x:1, ports: [{containerPort: 9090}]}]}`},
}

// example is the example cluster after admission, and everything the zone
// generators write for it, in order.
type example struct {
	policy    *policy.Policy
	workloads []*workload.Workload
	envs      []policy.Env // of each workload
	objects   []engine.Object
}

func envOf(p *policy.Policy, ns exampleNamespace) policy.Env {
	labels := map[string]string{v1alpha1.LabelNamespaceName: ns.name}
	if ns.zone != "" {
		labels[v1alpha1.LabelZone] = ns.zone
	}
	env := workloadtest.Env()
	env.Policy = p
	env.Namespace = policy.Namespace{Name: ns.name, Labels: labels}
	return env
}

func buildExample(t *testing.T, target v1alpha1.IsolationTarget, mesh v1alpha1.MeshMode) example {
	t.Helper()
	p, _, err := policy.Load("policy.yaml", fmt.Appendf(nil, examplePolicy, mesh, target))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := companions.Engine(p)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ex := example{policy: p}
	for _, w := range exampleWorkloads {
		wl := workloadtest.FromYAML(t, w.doc)
		wl.Meta.Namespace = w.namespace
		env := envOf(p, exampleNamespace{name: w.namespace, zone: zoneOf(w.namespace)})
		res, err := eng.Mutate(ctx, wl, env)
		if err != nil {
			t.Fatal(err)
		}
		wl = res.Mutated
		objs, err := zones.Ingress{}.Generate(ctx, wl, env)
		if err != nil {
			t.Fatal(err)
		}
		ex.workloads, ex.envs, ex.objects = append(ex.workloads, wl), append(ex.envs, env), append(ex.objects, objs...)
	}
	for _, ns := range exampleNamespaces {
		objs, err := zones.Baseline{}.GenerateNamespace(ctx, envOf(p, ns))
		if err != nil {
			t.Fatal(err)
		}
		ex.objects = append(ex.objects, objs...)
	}
	objs, err := zones.Boundaries{}.GenerateCluster(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	ex.objects = append(ex.objects, objs...)
	return ex
}

func zoneOf(ns string) string {
	for _, n := range exampleNamespaces {
		if n.name == ns {
			return n.zone
		}
	}
	return ""
}
