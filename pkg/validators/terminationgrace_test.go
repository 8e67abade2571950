package validators_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A pod that may take longer to stop than its tier allows holds every drain
// of its node: refused at the field that says so, in a template of any kind
// and in a Pod. At the bound, below it, unset (the API server's 30 seconds),
// in a tier without a bound and in a namespace of no tier, it passes.
func TestTerminationGraceHoldsPodsToTheirTier(t *testing.T) {
	seconds := func(n int64) string { return fmt.Sprintf("terminationGracePeriodSeconds: %d,", n) }
	pod := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {terminationGracePeriodSeconds: 31536000, containers: [{name: c, image: 'x:1'}]}")
	cronJob := workloadtest.FromYAML(t, "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {schedule: '* * * * *', jobTemplate: {spec: {template: {spec: {restartPolicy: Never, terminationGracePeriodSeconds: 3601, containers: [{name: c, image: 'x:1'}]}}}}}")

	bounded := tierEnv(t, "medium", &v1alpha1.Duration{Duration: time.Hour})
	open := tierEnv(t, "medium", nil)
	untiered := bounded
	untiered.Namespace.Labels = map[string]string{v1alpha1.LabelTier: "none"}
	untiered.Policy = workloadtest.WithTiers(t, v1alpha1.TierPolicy{DefaultTier: "none", Tiers: bounded.Policy.Spec.Tiers.Tiers})

	for _, tc := range []struct {
		what  string
		w     *workload.Workload
		env   policy.Env
		field string
	}{
		{"a year, in a Deployment", templated(t, seconds(31536000)), bounded, "spec.template.spec.terminationGracePeriodSeconds"},
		{"a second above the bound", templated(t, seconds(3601)), bounded, "spec.template.spec.terminationGracePeriodSeconds"},
		{"the most int64 holds", templated(t, seconds(9223372036854775807)), bounded, "spec.template.spec.terminationGracePeriodSeconds"},
		{"a Pod", pod, bounded, "spec.terminationGracePeriodSeconds"},
		{"a CronJob", cronJob, bounded, "spec.jobTemplate.spec.template.spec.terminationGracePeriodSeconds"},
		{"at the bound", templated(t, seconds(3600)), bounded, ""},
		{"below it", templated(t, seconds(120)), bounded, ""},
		{"none at all: 30 seconds", templated(t, ""), bounded, ""},
		{"a tier without a bound", templated(t, seconds(31536000)), open, ""},
		{"a namespace of no tier", templated(t, seconds(31536000)), untiered, ""},
	} {
		got := validators.TerminationGrace{}.Validate(context.Background(), tc.w, tc.env)
		if tc.field == "" {
			assertRules(t, got)
			continue
		}
		if len(got) != 1 || got[0].Rule != "termination-grace" || got[0].Field != tc.field || !got[0].Denies() ||
			!strings.Contains(got[0].Message, `longer to stop than the 3600 seconds (1h0m0s) tier "medium" allows: a node drain waits`) || !strings.Contains(got[0].Fix, "3600 or less") || got[0].Measure <= 3600 {
			t.Errorf("%s: %+v", tc.what, got)
		}
	}
}

// The built-in tiers bound the grace period, each of its own size, and the
// default tier lets a Postgres of CloudNativePG's defaults (1800 seconds)
// stop as it asks.
func TestBuiltInTiersBoundTheGracePeriod(t *testing.T) {
	want := map[string]time.Duration{"small": 10 * time.Minute, "medium": 30 * time.Minute, "large": time.Hour}
	for _, tier := range policy.Default().Spec.Tiers.Tiers {
		if d := tier.MaxTerminationGracePeriod; d == nil || d.Duration != want[tier.Name] {
			t.Errorf("tier %s: maxTerminationGracePeriod %v, want %v", tier.Name, d, want[tier.Name])
		}
	}
	w := workloadtest.FromYAML(t, "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: pg}\nspec: {selector: {matchLabels: {app: pg}}, template: {metadata: {labels: {app: pg}}, spec: {terminationGracePeriodSeconds: 1800, containers: [{name: c, image: 'x:1'}]}}}")
	assertRules(t, validators.TerminationGrace{}.Validate(context.Background(), w, workloadtest.Env()))
}

// tierEnv is the built-in policy with one tier, the default, whose pods may
// take most to stop.
func tierEnv(t *testing.T, name string, most *v1alpha1.Duration) policy.Env {
	env := workloadtest.Env()
	env.Policy = workloadtest.WithTiers(t, v1alpha1.TierPolicy{DefaultTier: name, Tiers: []v1alpha1.Tier{{Name: name, MaxTerminationGracePeriod: most}}})
	return env
}
