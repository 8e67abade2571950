package validators_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// The system classes are refused at the pod template's field; a class the
// platform made, or none, passes.
func TestPriorityClassKeepsTeamsOffTheSystemClasses(t *testing.T) {
	for class, denied := range map[string]bool{
		"system-node-critical":    true,
		"system-cluster-critical": true,
		"batch-low":               false,
		"":                        false,
	} {
		set := ""
		if class != "" {
			set = "priorityClassName: " + class + ", "
		}
		w := workloadtest.FromYAML(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: {matchLabels: {app: d}}, template: {metadata: {labels: {app: d}}, spec: {"+set+"containers: [{name: c, image: 'x:1'}]}}}")
		got := validators.PriorityClass{}.Validate(context.Background(), w, workloadtest.Env())
		if !denied {
			assertRules(t, got)
			continue
		}
		assertRules(t, got, "priority-class")
		if got[0].Field != "spec.template.spec.priorityClassName" || !strings.Contains(got[0].Message, `PriorityClass "`+class+`"`) || !got[0].Denies() {
			t.Errorf("%s: %+v", class, got[0])
		}
	}
}
