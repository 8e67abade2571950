package mutators_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestLabels(t *testing.T) {
	cases := []struct {
		name      string
		doc       string
		nsLabels  map[string]string
		narrowing bool
		want      map[string]string // on both the object and the pod template
	}{
		{
			name: "derived from the app label and the policy's default zone",
			doc:  workloadtest.Deployment("nginx:1.27"),
			want: map[string]string{"app.kubernetes.io/name": "web", "pave.dev/zone": "internal"},
		},
		{
			name:     "team, zone and cost centre come from the namespace",
			doc:      workloadtest.Deployment("nginx:1.27"),
			nsLabels: map[string]string{"pave.dev/team": "payments", "pave.dev/zone": "restricted", "pave.dev/cost-center": "cc-42"},
			want:     map[string]string{"pave.dev/team": "payments", "pave.dev/zone": "restricted", "pave.dev/cost-center": "cc-42"},
		},
		{
			name:     "a plain team label on the namespace is understood too",
			doc:      workloadtest.Deployment("nginx:1.27"),
			nsLabels: map[string]string{"team": "search"},
			want:     map[string]string{"pave.dev/team": "search"},
		},
		{
			name: "the workload's own team and name win over the namespace",
			doc: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, labels: {pave.dev/team: checkout, app.kubernetes.io/name: api-server}}
spec:
  template:
    metadata: {labels: {pave.dev/zone: restricted}}
    spec: {containers: [{name: c, image: x:1}]}`,
			nsLabels: map[string]string{"pave.dev/team": "payments", "pave.dev/zone": "restricted"},
			want:     map[string]string{"pave.dev/team": "checkout", "pave.dev/zone": "restricted", "app.kubernetes.io/name": "api-server"},
		},
		{
			name:      "a narrower zone annotation is honoured where the policy allows",
			narrowing: true,
			doc: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, annotations: {pave.dev/zone: restricted}}
spec: {template: {spec: {containers: [{name: c, image: x:1}]}}}`,
			nsLabels: map[string]string{"pave.dev/zone": "internal"},
			want:     map[string]string{"pave.dev/zone": "restricted", "app.kubernetes.io/name": "api"},
		},
		{
			name: "a narrower zone annotation is refused by default",
			doc: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, annotations: {pave.dev/zone: restricted}}
spec: {template: {spec: {containers: [{name: c, image: x:1}]}}}`,
			nsLabels: map[string]string{"pave.dev/zone": "internal"},
			want:     map[string]string{"pave.dev/zone": "internal"},
		},
		{
			name: "a wider zone annotation is not: the namespace's zone is the truth",
			doc: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, annotations: {pave.dev/zone: public}}
spec: {template: {spec: {containers: [{name: c, image: x:1}]}}}`,
			want: map[string]string{"pave.dev/zone": "internal", "app.kubernetes.io/name": "api"},
		},
		{
			name: "a controller's pod admitted under the namespace's old zone gets the zone in force",
			doc: `apiVersion: v1
kind: Pod
metadata:
  generateName: api-7d9f-
  labels: {pave.dev/zone: public}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-7d9f, uid: u1, controller: true}]
spec: {containers: [{name: c, image: x:1}]}`,
			nsLabels: map[string]string{"pave.dev/zone": "restricted"},
			want:     map[string]string{"pave.dev/zone": "restricted"},
		},
		{
			name: "a bare pod's zone claim is left for the validator to judge",
			doc: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {pave.dev/zone: public}}
spec: {containers: [{name: c, image: x:1}]}`,
			nsLabels: map[string]string{"pave.dev/zone": "restricted"},
			want:     map[string]string{"pave.dev/zone": "public"},
		},
		{
			name: "a pod with only a generateName gets a valid label value",
			doc: `apiVersion: v1
kind: Pod
metadata: {generateName: web-7d9f-}
spec: {containers: [{name: c, image: x:1}]}`,
			want: map[string]string{"app.kubernetes.io/name": "web-7d9f"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, c.doc)
			env := workloadtest.Env()
			env.Namespace.Labels = c.nsLabels
			if c.narrowing {
				p := *env.Policy
				p.Spec.Zones.AllowNarrowing = &c.narrowing
				env.Policy = &p
			}
			changed, err := mutators.Labels{}.Mutate(context.Background(), w, env)
			if err != nil || !changed {
				t.Fatalf("changed=%v err=%v, want a change", changed, err)
			}
			for k, v := range c.want {
				if w.Meta.Labels[k] != v || w.PodMeta.Labels[k] != v {
					t.Errorf("%s: object %q, template %q, want %q", k, w.Meta.Labels[k], w.PodMeta.Labels[k], v)
				}
			}
			if again, _ := (mutators.Labels{}).Mutate(context.Background(), w, env); again {
				t.Error("second run changed something: not idempotent")
			}
		})
	}
}

func TestLabelsLeavesSelectorAlone(t *testing.T) {
	w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	if _, err := (mutators.Labels{}).Mutate(context.Background(), w, workloadtest.Env()); err != nil {
		t.Fatal(err)
	}
	js, _ := w.JSON()
	if want := `"selector":{"matchLabels":{"app":"web"}}`; !contains(string(js), want) {
		t.Fatalf("selector changed (it is immutable on Deployments): %s", js)
	}
}

func TestLabelsNoCostCenterWithoutSource(t *testing.T) {
	w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	env := workloadtest.Env()
	if _, err := (mutators.Labels{}).Mutate(context.Background(), w, env); err != nil {
		t.Fatal(err)
	}
	if _, ok := w.Meta.Labels[v1alpha1.LabelCostCenter]; ok {
		t.Fatal("cost-center set although neither namespace nor policy names one")
	}
	if _, ok := w.Meta.Labels[v1alpha1.LabelTeam]; ok {
		t.Fatal("team invented: the platform cannot know it")
	}
}

func TestLabelsPartOfAndVersion(t *testing.T) {
	cases := []struct {
		name, doc     string
		nsLabels      map[string]string
		partOf        string
		version       string // on the pod; "" is none
		templateHasNo bool   // the template gets no version: it would go stale
	}{
		{name: "a Deployment is part of its namespace's application; its template gets no version",
			doc: workloadtest.Deployment("nginx:1.27"), partOf: "shop", templateHasNo: true},
		{name: "the namespace's part-of label wins over its name",
			doc: workloadtest.Deployment("nginx:1.27"), nsLabels: map[string]string{"app.kubernetes.io/part-of": "webshop"}, partOf: "webshop", templateHasNo: true},
		{name: "a pod's version is its main container's tag: the container named like the app",
			doc: `apiVersion: v1
kind: Pod
metadata: {name: api-1, labels: {app.kubernetes.io/name: api}}
spec: {containers: [{name: log-shipper, image: fluent-bit:3.1}, {name: api, image: registry.example.com/shop/api:v2.4.1}]}`,
			partOf: "shop", version: "v2.4.1"},
		{name: "else the first container's",
			doc: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: c, image: "registry.example.com:5000/x:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}]}`,
			partOf: "shop", version: "1.0"},
		{name: "a digest without a tag gives no version",
			doc: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: c, image: "x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}]}`,
			partOf: "shop"},
		{name: "a version the team set stays",
			doc: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app.kubernetes.io/version: "2024.1", app.kubernetes.io/part-of: billing}}
spec: {containers: [{name: c, image: x:9}]}`,
			partOf: "billing", version: "2024.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, c.doc)
			env := workloadtest.Env()
			env.Namespace = policy.Namespace{Name: "shop", Labels: c.nsLabels}
			if _, err := (mutators.Labels{}).Mutate(context.Background(), w, env); err != nil {
				t.Fatal(err)
			}
			if got := w.Meta.Labels[v1alpha1.LabelPartOf]; got != c.partOf {
				t.Errorf("part-of %q, want %q", got, c.partOf)
			}
			if got := w.Meta.Labels[v1alpha1.LabelVersion]; got != c.version {
				t.Errorf("version %q, want %q", got, c.version)
			}
			if _, ok := w.PodMeta.Labels[v1alpha1.LabelVersion]; c.templateHasNo && ok {
				t.Error("the pod template got a version label")
			}
		})
	}
}

// The policy's required labels reach the pods, from the workload or its
// namespace: a label on a Deployment alone would leave its ReplicaSets and
// Pods denied by rule required-labels.
func TestLabelsCarryTheRequiredOnesToThePods(t *testing.T) {
	spec := policy.Default().Spec
	spec.Labels.Required = []string{"pave.dev/team", "owner", "tier"}
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {owner: alice}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: gold}}
    spec: {containers: [{name: web, image: x:1}]}
`)
	env := policy.Env{Policy: p, Namespace: policy.Namespace{Name: "shop", Labels: map[string]string{"pave.dev/team": "shop", "owner": "bob"}}}
	if _, err := (mutators.Labels{}).Mutate(context.Background(), w, env); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"pave.dev/team": "shop", "owner": "alice", "tier": "gold"}
	for k, v := range want {
		if w.Meta.Labels[k] != v || w.PodMeta.Labels[k] != v {
			t.Errorf("label %s: workload %q, pods %q, want %q on both", k, w.Meta.Labels[k], w.PodMeta.Labels[k], v)
		}
	}
}
