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
	}
	for _, c := range cases {
		t.Run(c.labels, func(t *testing.T) {
			w := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: "+c.labels+"}\nspec: {containers: [{name: c, image: x:1}]}")
			assertRules(t, validators.Labels{}.Validate(context.Background(), w, workloadtest.Env()), c.want...)
		})
	}
}
