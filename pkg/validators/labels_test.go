package validators_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestLabels(t *testing.T) {
	cases := []struct {
		labels string
		want   []string
	}{
		{`{pave.dev/team: payments, pave.dev/zone: internal}`, nil},
		{`{pave.dev/zone: internal}`, []string{"required-labels"}},
		{`{pave.dev/team: payments, pave.dev/zone: interal}`, []string{"zone-known"}},
		// A Pod without its zone label is outside its zone's boundary.
		{`{pave.dev/team: payments}`, []string{"zone-known"}},
	}
	for _, c := range cases {
		t.Run(c.labels, func(t *testing.T) {
			w := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: "+c.labels+"}\nspec: {containers: [{name: c, image: x:1}]}")
			assertRules(t, validators.Labels{}.Validate(context.Background(), w, workloadtest.Env()), c.want...)
		})
	}
}

// A template needs no zone label: its Pods get theirs when they are created.
func TestZoneLabelOnlyOnPods(t *testing.T) {
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {pave.dev/team: payments}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x:1}]}
`)
	assertRules(t, validators.Labels{}.Validate(context.Background(), w, workloadtest.Env()))
}
