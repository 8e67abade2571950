package validators_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload"
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
		w := templated(t, set)
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

// A Pod arrives with its class's value in spec.priority (the API server's
// Priority admission): above its tier's maxPriority it is refused, at or
// below it passes, and so does any Pod where the tier sets no maximum. A
// pod template is judged by the value the adapter found for its class
// (Env.Priority), and passes when it found none.
func TestPriorityClassKeepsPodsToTheirTiersPriority(t *testing.T) {
	pod := func(class string, priority int) *workload.Workload {
		return workloadtest.FromYAML(t, fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {priorityClassName: %q, priority: %d, containers: [{name: c, image: 'x:1'}]}", class, priority))
	}
	maxPriority := int32(1000)
	capped := workloadtest.Env()
	capped.Policy.Spec.Tiers = v1alpha1.TierPolicy{DefaultTier: "medium", Tiers: []v1alpha1.Tier{{Name: "medium", MaxPriority: &maxPriority}, {Name: "critical"}}}
	critical := capped
	critical.Namespace.Labels = map[string]string{v1alpha1.LabelTier: "critical"}
	template := templated(t, "priorityClassName: platform-high,")
	known := func(env policy.Env, value int32) policy.Env {
		env.Priority = &policy.PriorityClass{Name: "platform-high", Value: value, PreemptionPolicy: corev1.PreemptLowerPriority}
		return env
	}
	for _, tc := range []struct {
		what  string
		w     *workload.Workload
		env   policy.Env
		field string
	}{
		{"above the tier's maximum", pod("platform-high", 1_000_000), capped, "spec.priorityClassName"},
		{"the cluster's default class above it", pod("", 5000), capped, "spec.priorityClassName"},
		{"at the tier's maximum", pod("batch", 1000), capped, ""},
		{"below it", pod("low", -10), capped, ""},
		{"a tier without a maximum", pod("platform-high", 1_000_000), critical, ""},
		{"a policy without one", pod("platform-high", 1_000_000), workloadtest.Env(), ""},
		{"a template of a class the adapter does not know", template, capped, ""},
		{"a template of a class above the maximum", template, known(capped, 1_000_000), "spec.template.spec.priorityClassName"},
		{"a template of a class within it", template, known(capped, 1000), ""},
		{"a Pod's own value over the class's", pod("platform-high", 10), known(capped, 1_000_000), ""},
	} {
		got := validators.PriorityClass{}.Validate(context.Background(), tc.w, tc.env)
		if tc.field == "" {
			if len(got) > 0 {
				t.Errorf("%s: %+v", tc.what, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Field != tc.field || !got[0].Denies() || !strings.Contains(got[0].Message, `the most tier "medium" allows`) || !strings.Contains(got[0].Fix, "1000 or less") {
			t.Errorf("%s: %+v", tc.what, got)
		}
	}
}
