package validators_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A Pod that names no controller is warned of, as kubectl drain would refuse
// it without --force; one a controller made, a static pod's mirror, and a
// workload's template are not.
func TestBarePodWarnsOfAPodNoControllerMakes(t *testing.T) {
	pod := func(meta string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: p" + meta + "}\nspec: {containers: [{name: c, image: 'x:1'}]}"
	}
	owner := func(controller string) string {
		return ", ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: 0b4e, " + controller + "}]"
	}
	for _, tc := range []struct {
		what, yaml string
		warned     bool
	}{
		{"a Pod made by hand", pod(""), true},
		{"a Pod whose owner is not its controller", pod(owner("controller: false")), true},
		{"a ReplicaSet's Pod", pod(owner("controller: true")), false},
		{"a static pod's mirror", pod(", annotations: {kubernetes.io/config.mirror: abc}"), false},
		{"a Deployment's template", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: {matchLabels: {app: d}}, template: {metadata: {labels: {app: d}}, spec: {containers: [{name: c, image: 'x:1'}]}}}", false},
	} {
		got := validators.BarePod{}.Validate(context.Background(), workloadtest.FromYAML(t, tc.yaml), workloadtest.Env())
		if !tc.warned {
			assertRules(t, got)
			continue
		}
		if len(got) != 1 || got[0].Rule != "bare-pod" || got[0].Field != "metadata.ownerReferences" || got[0].Denies() ||
			!strings.Contains(got[0].Message, `Pod "p" has no controller`) || !strings.Contains(got[0].Message, "without --force") ||
			!strings.Contains(got[0].Fix, "a Deployment for a service, a Job for a task that ends") {
			t.Errorf("%s: %+v", tc.what, got)
		}
	}
}
