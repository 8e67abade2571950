package crdschema_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/manifests/crds"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/crdschema"
	"github.com/pave-dev/pave/pkg/policy"
)

func validator(t *testing.T) *crdschema.Validator {
	t.Helper()
	v, err := crdschema.New(crds.PlatformPolicies, crds.PolicyExceptions)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func judge(t *testing.T, v *crdschema.Validator, doc string) string {
	t.Helper()
	var obj map[string]any
	if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
		t.Fatal(err)
	}
	return v.Validate(context.Background(), obj).ToAggregate().Error()
}

// The built-in policy, every default filled in, is one the API server
// takes.
func TestBuiltInPolicyFitsTheCRD(t *testing.T) {
	pp := v1alpha1.PlatformPolicy{TypeMeta: metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "PlatformPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: policy.Default().Spec}
	js, err := json.Marshal(pp)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(js, &obj); err != nil {
		t.Fatal(err)
	}
	if errs := validator(t).Validate(context.Background(), obj); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
}

// What the schema and its CEL rules refuse, each by its field, as the API
// server says it.
func TestCRDRefusesAsTheAPIServerDoes(t *testing.T) {
	v := validator(t)
	head := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n"
	cases := []struct{ doc, want string }{
		{head + "  mesh: {traffic: {outlierDetection: {maxEjectionPercent: 150}}}\n", "spec.mesh.traffic.outlierDetection.maxEjectionPercent: Invalid value: 150"},
		{head + "  mesh: {traffic: {connectionPool: {maxConnections: 0}}}\n", "spec.mesh.traffic.connectionPool.maxConnections"},
		{head + "  backups: {ttl: forever}\n", "spec.backups.ttl"},
		{head + "  mesh: {traffic: {timeout: 99999999999h}}\n", "must be a duration pave can read"},
		{head + "  resources: {defaultRequests: {memory: 1Gi}, defaultLimits: {memory: 512Mi}}\n", "defaultRequests.memory must not exceed defaultLimits.memory"},
		{"apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: strict}\nspec: {}\n", "pave reads only the PlatformPolicy named 'default'"},
		{"apiVersion: pave.dev/v1alpha1\nkind: PolicyException\nmetadata: {name: e, namespace: pave-system}\nspec: {rules: [], match: {names: [x]}, reason: because we must, approvedBy: me, expiresAt: '2030-01-01T00:00:00Z'}\n", "spec.rules"},
	}
	for _, c := range cases {
		if got := judge(t, v, c.doc); !strings.Contains(got, c.want) {
			t.Errorf("%s\ngot %q, want %q", c.doc, got, c.want)
		}
	}
	if errs := v.Validate(context.Background(), map[string]any{"apiVersion": "v1", "kind": "ConfigMap"}); errs != nil {
		t.Errorf("judged a kind it has no CRD for: %v", errs)
	}
}
