package engine_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func defaultEngine(t *testing.T) *engine.Engine {
	t.Helper()
	e, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestOrderIsPhaseThenName(t *testing.T) {
	var got []string
	for _, s := range defaultEngine(t).Steps() {
		got = append(got, s.Phase.String()+"/"+s.Mutator.Name())
	}
	want := "defaults/resources defaults/service-account-token defaults/storage-class platform/backup-volumes platform/canary-track platform/labels platform/scrape-annotations mesh/sidecar hardening/security-context"
	if strings.Join(got, " ") != want {
		t.Fatalf("order %v, want %s", got, want)
	}
}

func TestUnknownRuleInPolicyIsAnError(t *testing.T) {
	p, err := policy.FromSpec(v1alpha1.PlatformPolicySpec{Rules: []v1alpha1.RuleSetting{{ID: "image-pined", Mode: v1alpha1.ModeWarn}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := companions.Engine(p); err == nil || !strings.Contains(err.Error(), `unknown rule "image-pined"`) {
		t.Fatalf("err = %v, want an unknown-rule error naming the typo", err)
	}
}

func TestAuditModeRecordsWithoutDenying(t *testing.T) {
	p, _ := policy.FromSpec(v1alpha1.PlatformPolicySpec{Rules: []v1alpha1.RuleSetting{{ID: "image-pinned", Mode: v1alpha1.ModeAudit}}})
	e, err := companions.Engine(p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Run(context.Background(), workloadtest.FromYAML(t, workloadtest.Deployment("nginx:latest")), workloadtest.Env())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Allowed() || len(res.ByOutcome(policy.OutcomeRecord)) != 1 {
		t.Fatalf("allowed=%v audit=%v", res.Allowed(), res.ByOutcome(policy.OutcomeRecord))
	}
}

func TestRunDoesNotTouchItsInput(t *testing.T) {
	w := workloadtest.FromYAML(t, workloadtest.Deployment("nginx:1.27"))
	before, _ := w.JSON()
	if _, err := defaultEngine(t).Run(context.Background(), w, workloadtest.Env()); err != nil {
		t.Fatal(err)
	}
	after, _ := w.JSON()
	if string(before) != string(after) {
		t.Fatal("Run changed the workload it was given")
	}
}

// A pod created from an admitted template passes through with nothing added
// but its version label: the webhook sees every ReplicaSet pod, and any other
// change would be a pod that differs from its template.
func TestPodFromAdmittedTemplateIsUntouched(t *testing.T) {
	data, err := os.ReadFile("testdata/golden/pod-from-replicaset/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	js, _ := yaml.YAMLToJSON(data)
	w, err := workload.FromJSON("v1", "Pod", js)
	if err != nil {
		t.Fatal(err)
	}
	res, err := defaultEngine(t).Run(context.Background(), w, workloadtest.Env())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Mutators, []string{"labels"}) || len(res.Violations) > 0 {
		t.Fatalf("mutators %v violations %+v, want only labels", res.Mutators, res.Violations)
	}
	w.Meta.Labels[v1alpha1.LabelVersion] = "1.27.3"
	before, _ := w.JSON()
	after, _ := res.Mutated.JSON()
	if string(before) != string(after) {
		t.Fatalf("the pod changed beyond its version label:\n%s\n%s", before, after)
	}
}

func TestExceptionMatching(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	ex := func(ns string, rules, names, kinds, nss []string, expires time.Time) v1alpha1.PolicyException {
		return v1alpha1.PolicyException{
			ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: ns},
			Spec: v1alpha1.PolicyExceptionSpec{Rules: rules, Reason: "a good reason", ApprovedBy: "sec",
				ExpiresAt: metav1.NewTime(expires), Match: v1alpha1.ExceptionMatch{Names: names, Kinds: kinds, Namespaces: nss}},
		}
	}
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	cases := []struct {
		name   string
		ex     v1alpha1.PolicyException
		waived bool
	}{
		{"exact", ex("pave-system", []string{"image-pinned"}, []string{"web"}, nil, []string{"default"}, later), true},
		{"rule glob", ex("pave-system", []string{"image-*"}, []string{"web"}, nil, []string{"default"}, later), true},
		{"name glob", ex("pave-system", []string{"image-pinned"}, []string{"we*"}, nil, []string{"*"}, later), true},
		{"by app name label", ex("pave-system", []string{"image-pinned"}, []string{"web"}, []string{"Deployment"}, []string{"default"}, later), true},
		{"other kind", ex("pave-system", []string{"image-pinned"}, []string{"web"}, []string{"StatefulSet"}, []string{"default"}, later), false},
		{"other rule", ex("pave-system", []string{"no-literal-secrets"}, []string{"web"}, nil, []string{"default"}, later), false},
		{"other namespace", ex("pave-system", []string{"image-pinned"}, []string{"web"}, nil, []string{"prod"}, later), false},
		{"untrusted namespace", ex("default", []string{"image-pinned"}, []string{"web"}, nil, nil, later), false},
		{"expired", ex("pave-system", []string{"image-pinned"}, []string{"web"}, nil, []string{"default"}, earlier), false},
		{"expiring exactly now", ex("pave-system", []string{"image-pinned"}, []string{"web"}, nil, []string{"default"}, now), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := workloadtest.Env()
			env.Now, env.Exceptions = now, []v1alpha1.PolicyException{c.ex}
			res, err := defaultEngine(t).Run(context.Background(), workloadtest.FromYAML(t, workloadtest.Deployment("nginx:latest")), env)
			if err != nil {
				t.Fatal(err)
			}
			if res.Allowed() != c.waived {
				t.Fatalf("allowed=%v, want %v: %+v", res.Allowed(), c.waived, res.Violations)
			}
		})
	}
}

type engineT = engine.Engine

func newDefault(p *policy.Policy) (*engine.Engine, error) { return companions.Engine(p) }

// A ReplicaSet's template is its owner's: the engine completes a ReplicaSet
// a team creates itself, and leaves one a Deployment controls exactly as the
// Deployment controller made it (testdata/golden/replicaset-of-a-deployment).
func TestAReplicaSetKeepsItsOwnersTemplate(t *testing.T) {
	env := workloadtest.MeshEnv(t, v1alpha1.MeshIstio)
	e, err := companions.Engine(env.Policy)
	if err != nil {
		t.Fatal(err)
	}
	const rs = `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-6f7c9d, labels: {app: web}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27.3"}]
`
	for _, owner := range []string{"", "Deployment", "Rollout"} {
		w := workloadtest.FromYAML(t, rs)
		if owner != "" {
			yes := true
			w.Meta.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: owner, Name: "web", UID: "u1", Controller: &yes}}
		}
		res, err := e.Mutate(context.Background(), w, env)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case owner == "" && !slices.Contains(res.Mutators, "sidecar"):
			t.Errorf("a ReplicaSet of no workload was not completed: %v", res.Mutators)
		case owner != "" && len(res.Mutators) > 0:
			t.Errorf("a ReplicaSet a %s controls was changed by %v", owner, res.Mutators)
		}
	}
}
