package check_test

import (
	"context"
	"slices"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
)

// With the guards (pave check --as-team), a NetworkPolicy that leaves its
// namespace is denied by the guard's name and words; one between the
// namespace's own pods passes, as does one without a spec; the platform
// team is not refused; without them, NetworkPolicies are not pave check's.
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
---
# Kyverno's default-deny: without a spec, which the API server decodes
# empty, as the guards then see it.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny}
`
	guards, err := companions.Guards(context.Background(), policy.Default(), v1alpha1.Install{PaveNamespace: "pave-system"})
	if err != nil {
		t.Fatal(err)
	}
	in := []manifest.Input{{Source: "in.yaml", Data: []byte(input)}}
	run := func(opts check.Options) []check.Object {
		opts.Engine, opts.DefaultNamespace = defaultEngine(t), "shop"
		rep := check.Run(context.Background(), in, opts)
		if len(rep.Errors) > 0 || len(rep.Objects) != 3 {
			t.Fatalf("errors %v, %d objects", rep.Errors, len(rep.Objects))
		}
		return rep.Objects
	}
	team := run(check.Options{Guards: guards, Groups: []string{"system:authenticated"}})
	if open := team[0]; open.Allowed || !open.Workload || len(open.Violations) != 1 || open.Violations[0].Rule != "pave-zone-network-policies" {
		t.Errorf("a team's allow-all: allowed %v, judged %v, %+v", open.Allowed, open.Workload, open.Violations)
	}
	for _, own := range team[1:] {
		if !own.Allowed || !own.Workload || len(own.Violations) > 0 {
			t.Errorf("a team's %s: allowed %v, judged %v, %+v", own.Name, own.Allowed, own.Workload, own.Violations)
		}
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

// Kinds pave judges itself are judged by the guards too, workloads among
// them: a claim that names a volume and a Pod that names its node are
// refused from a team member, beside pave's own findings.
func TestGuardsJudgeKindsPaveJudges(t *testing.T) {
	guards, err := companions.Guards(context.Background(), policy.Default(), v1alpha1.Install{PaveNamespace: "pave-system"})
	if err != nil {
		t.Fatal(err)
	}
	for doc, guard := range map[string]string{
		"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: taken}\nspec: {volumeName: pv-of-orders, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n": "pave-claimed-volumes",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: pinned}\nspec: {nodeName: cp-1, containers: [{name: c, image: 'registry.example.com/c:1'}]}\n":                                     "pave-pod-node-names",
	} {
		in := []manifest.Input{{Source: "in.yaml", Data: []byte(doc)}}
		for _, c := range []struct {
			groups  []string
			refused bool
		}{{[]string{"system:authenticated"}, true}, {[]string{"system:masters"}, false}} {
			rep := check.Run(context.Background(), in, check.Options{Engine: defaultEngine(t), DefaultNamespace: "shop", Guards: guards, Groups: c.groups})
			if len(rep.Errors) > 0 || len(rep.Objects) != 1 {
				t.Fatalf("errors %v, %d objects", rep.Errors, len(rep.Objects))
			}
			var rules []string
			for _, v := range rep.Objects[0].Violations {
				rules = append(rules, v.Rule)
			}
			if got := slices.Contains(rules, guard); got != c.refused {
				t.Errorf("%s, %v: refused by the guard %v, want %v (findings %v)", guard, c.groups, got, c.refused, rules)
			}
			if c.refused && rep.Objects[0].Allowed {
				t.Errorf("%s, %v: allowed with the guard's finding", guard, c.groups)
			}
		}
	}
}
