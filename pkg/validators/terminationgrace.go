package validators

import (
	"context"
	"fmt"
	"time"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/workload"
)

// TerminationGrace bounds how long a pod may take to stop. A node drain
// evicts each pod and waits out its terminationGracePeriodSeconds before the
// kubelet kills it (kubectl drain, and the upgrades that drain, unless told
// otherwise), and the built-in edit role may write any number of seconds
// there: one pod that ignores SIGTERM, or sleeps in a preStop hook, with a
// grace period of a year holds its node's drain, and with it the cluster's
// upgrades, as a budget that lets no pod go does (rule disruption-budget).
// The bound is the namespace's tier's (spec.tiers.tiers[].
// maxTerminationGracePeriod). A pod that sets none gets the API server's 30
// seconds, which every bound allows. A probe's own grace period is left
// alone: the kubelet uses it only when the probe fails, never in a drain.
type TerminationGrace struct{}

var ruleTerminationGrace = policy.Rule{ID: "termination-grace", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
	Description: "pods take no longer to stop (terminationGracePeriodSeconds) than their tier's maxTerminationGracePeriod: a node drain, and the cluster's upgrades, wait that long for each"}

// Name implements engine.Validator.
func (TerminationGrace) Name() string { return "termination-grace" }

// Rules implements engine.Validator.
func (TerminationGrace) Rules() []policy.Rule { return []policy.Rule{ruleTerminationGrace} }

// Validate implements engine.Validator.
func (TerminationGrace) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	grace := w.PodSpec.TerminationGracePeriodSeconds
	if grace == nil {
		return nil
	}
	tier, ok := quota.Of(env)
	if !ok || tier.MaxTerminationGracePeriod == nil || tier.MaxTerminationGracePeriod.Err() != nil {
		return nil
	}
	most := int64(tier.MaxTerminationGracePeriod.Duration / time.Second)
	if *grace <= most {
		return nil
	}
	stops := "its pods"
	if w.Kind == "Pod" {
		stops = "the pod"
	}
	// The message names the bound, not the pod's value, and the value is
	// the finding's measure: a workload over the bound before pave (or a
	// tighter tier) keeps its updates while they do not raise it, lowering
	// it toward the bound among them.
	v := ruleTerminationGrace.Violation(w.PodSpecPath+".terminationGracePeriodSeconds",
		fmt.Sprintf("%s may take longer to stop than the %d seconds (%s) tier %q allows: a node drain waits out the grace period of each pod that does not exit, and the cluster's upgrades wait with it", stops, most, time.Duration(most)*time.Second, tier.Name),
		fmt.Sprintf("set terminationGracePeriodSeconds to %d or less (the time the app needs to finish its work and exit on SIGTERM), or ask the platform team for a tier that allows more; a workload over the bound before it keeps its updates only while they do not raise it", most))
	v.Measure = int(*grace)
	return []policy.Violation{v}
}
