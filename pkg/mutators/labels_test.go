package mutators_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mutators"
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
