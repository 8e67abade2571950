package check_test

import (
	"context"
	"testing"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
)

// With the guards (pave check --as-team), a NetworkPolicy that leaves its
// namespace is denied by the guard's name and words; one between the
// namespace's own pods passes; the platform team is not refused; without
// them, NetworkPolicies are not pave check's.
func TestGuardsJudgeTeamObjects(t *testing.T) {
	const input = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all}
spec: {podSelector: {}, ingress: [{}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: own}
spec: {podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}
`
	guards, err := companions.Guards(context.Background(), policy.Default(), "pave-system")
	if err != nil {
		t.Fatal(err)
	}
	in := []manifest.Input{{Source: "in.yaml", Data: []byte(input)}}
	run := func(opts check.Options) []check.Object {
		opts.Engine, opts.DefaultNamespace = defaultEngine(t), "shop"
		rep := check.Run(context.Background(), in, opts)
		if len(rep.Errors) > 0 || len(rep.Objects) != 2 {
			t.Fatalf("errors %v, %d objects", rep.Errors, len(rep.Objects))
		}
		return rep.Objects
	}
	team := run(check.Options{Guards: guards, Groups: []string{"system:authenticated"}})
	if open := team[0]; open.Allowed || !open.Workload || len(open.Violations) != 1 || open.Violations[0].Rule != "pave-zone-network-policies" {
		t.Errorf("a team's allow-all: allowed %v, judged %v, %+v", open.Allowed, open.Workload, open.Violations)
	}
	if own := team[1]; !own.Allowed || !own.Workload || len(own.Violations) > 0 {
		t.Errorf("a team's own-pods policy: allowed %v, judged %v, %+v", own.Allowed, own.Workload, own.Violations)
	}
	for _, o := range run(check.Options{Guards: guards, Groups: []string{"system:masters"}}) {
		if !o.Allowed {
			t.Errorf("the platform team's %s was refused: %+v", o.Name, o.Violations)
		}
	}
	for _, o := range run(check.Options{}) {
		if !o.Allowed || o.Workload {
			t.Errorf("without guards, %s: allowed %v, judged %v", o.Name, o.Allowed, o.Workload)
		}
	}
}
