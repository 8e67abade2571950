package webhook_test

import (
	"os"
	"testing"

	"github.com/google/cel-go/cel"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/workload"
)

// The mutating webhook's match conditions send pave every object it may
// change, and spare the API server the call for a ReplicaSet a controller
// owns, which it never changes: the shipped CEL and workload.TemplateOfItsOwner
// agree on every case. pave's own writes are not sent back to it.
func TestMutatingConditionsSkipOnlyWhatPaveLeaves(t *testing.T) {
	path := "../../manifests/webhook/webhook-configurations.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg admissionregistrationv1.MutatingWebhookConfiguration
	if err := yaml.Unmarshal(manifest.Split(path, data)[0].Raw, &cfg); err != nil || cfg.Kind != "MutatingWebhookConfiguration" {
		t.Fatalf("%s: the first document is not the mutating configuration: %v", path, err)
	}
	env, err := cel.NewEnv(cel.Variable("object", cel.DynType), cel.Variable("request", cel.DynType))
	if err != nil {
		t.Fatal(err)
	}
	var programs []cel.Program
	for _, c := range cfg.Webhooks[0].MatchConditions {
		ast, iss := env.Compile(c.Expression)
		if iss.Err() != nil {
			t.Fatalf("%s: %v", c.Name, iss.Err())
		}
		p, err := env.Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		programs = append(programs, p)
	}
	calls := func(vars map[string]any) bool {
		called := true
		for _, p := range programs {
			out, _, err := p.Eval(vars)
			if err != nil {
				t.Fatalf("%v: %v", vars, err)
			}
			called = called && out.Value() == true
		}
		return called
	}
	yes, no := true, false
	for _, c := range []struct {
		resource, kind string
		owners         []metav1.OwnerReference
	}{
		{"replicasets", "ReplicaSet", nil},
		{"replicasets", "ReplicaSet", []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "u", Controller: &yes}}},
		{"replicasets", "ReplicaSet", []metav1.OwnerReference{{APIVersion: "argoproj.io/v1alpha1", Kind: "Rollout", Name: "web", UID: "u", Controller: &yes}}},
		{"replicasets", "ReplicaSet", []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "web", UID: "u", Controller: &no}}},
		{"replicasets", "ReplicaSet", []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "web", UID: "u"}}},
		{"pods", "Pod", []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-1", UID: "u", Controller: &yes}}},
		{"jobs", "Job", []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "CronJob", Name: "nightly", UID: "u", Controller: &yes}}},
		{"deployments", "Deployment", nil},
	} {
		meta := metav1.ObjectMeta{Name: "web", OwnerReferences: c.owners}
		raw, _ := yaml.Marshal(meta)
		var object map[string]any
		_ = yaml.Unmarshal(raw, &object)
		vars := map[string]any{
			"object":  map[string]any{"metadata": object},
			"request": map[string]any{"resource": map[string]any{"resource": c.resource}, "userInfo": map[string]any{"username": "alice", "groups": []any{"team"}}},
		}
		called := calls(vars)
		if leaves := workload.TemplateOfItsOwner(&workload.Workload{Kind: c.kind, Meta: &meta}); called == leaves {
			t.Errorf("%s with owners %v: the API server calls pave: %v, pave leaves it: %v", c.kind, c.owners, called, leaves)
		}
	}
	// pave's own writes (a canary's status annotation) are not completed.
	own := map[string]any{
		"object":  map[string]any{"metadata": map[string]any{"name": "web"}},
		"request": map[string]any{"resource": map[string]any{"resource": "deployments"}, "userInfo": map[string]any{"username": "system:serviceaccount:pave-system:pave-controller", "groups": []any{"system:serviceaccounts", "system:serviceaccounts:pave-system"}}},
	}
	if calls(own) {
		t.Error("the mutating webhook is called for pave's own write to a Deployment")
	}
}
