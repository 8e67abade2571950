package validators_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A pod template's own priority and preemptionPolicy must be those its
// PriorityClass gives (the class it names, else the cluster's default,
// else 0 and PreemptLowerPriority), or the API server's Priority admission
// refuses each of its pods. A Pod is left to that admission, and a
// template whose class the adapter did not find is not judged.
func TestPodPriorityHoldsTemplatesToTheirClass(t *testing.T) {
	deployment := func(spec string) *workload.Workload {
		return templated(t, spec)
	}
	class := func(name string, value int32, preemption corev1.PreemptionPolicy) policy.Env {
		env := workloadtest.Env()
		env.Priority = &policy.PriorityClass{Name: name, Value: value, PreemptionPolicy: preemption}
		return env
	}
	none := class("", 0, corev1.PreemptLowerPriority)
	batch := class("batch", 100, corev1.PreemptNever)
	for _, tc := range []struct {
		what   string
		w      *workload.Workload
		env    policy.Env
		fields []string
		from   string
	}{
		{"a priority without a class or a default", deployment("priority: 10,"), none, []string{"spec.template.spec.priority"}, "the API server's defaults, where no PriorityClass is the global default"},
		{"priority 0 without a class or a default", deployment("priority: 0,"), none, nil, ""},
		{"a priority the default class does not give", deployment("priority: 0,"), class("standard", 50, corev1.PreemptLowerPriority), []string{"spec.template.spec.priority"}, `the cluster's default PriorityClass "standard"`},
		{"the class's own values", deployment("priorityClassName: batch, priority: 100, preemptionPolicy: Never,"), batch, nil, ""},
		{"both other than the class's", deployment("priorityClassName: batch, priority: 1000, preemptionPolicy: PreemptLowerPriority,"), batch,
			[]string{"spec.template.spec.priority", "spec.template.spec.preemptionPolicy"}, `PriorityClass "batch"`},
		{"a preemptionPolicy without a class", deployment("preemptionPolicy: Never,"), none, []string{"spec.template.spec.preemptionPolicy"}, "where no PriorityClass is the global default"},
		{"a class the adapter did not find", deployment("priorityClassName: elsewhere, priority: 7,"), workloadtest.Env(), nil, ""},
		{"a Pod, which the API server judges first", workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {priority: 10, containers: [{name: c, image: 'x:1'}]}"), none, nil, ""},
	} {
		got := validators.PodPriority{}.Validate(context.Background(), tc.w, tc.env)
		if len(got) != len(tc.fields) {
			t.Errorf("%s: %+v, want findings at %v", tc.what, got, tc.fields)
			continue
		}
		for i, v := range got {
			if v.Field != tc.fields[i] || !v.Denies() || !strings.Contains(v.Message, tc.from) || !strings.Contains(v.Message, "refuses every pod of it") || !strings.HasPrefix(v.Fix, "remove ") {
				t.Errorf("%s: %+v", tc.what, v)
			}
		}
	}
}
