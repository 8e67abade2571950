package validators_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestServiceAccountTokenExplicitTrueIsReported(t *testing.T) {
	for setting, want := range map[string][]string{
		"automountServiceAccountToken: true, ":  {"service-account-token"},
		"automountServiceAccountToken: false, ": nil,
		"":                                      nil,
	} {
		w := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {"+setting+"containers: [{name: c, image: 'x:1'}]}")
		got := validators.ServiceAccountToken{}.Validate(context.Background(), w, workloadtest.Env())
		assertRules(t, got, want...)
		if len(got) > 0 && got[0].Field != "spec.automountServiceAccountToken" {
			t.Errorf("field %s", got[0].Field)
		}
	}
}
