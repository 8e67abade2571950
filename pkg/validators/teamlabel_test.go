package validators_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A workload names its namespace's team or none; what a controller made
// from a judged template is not judged again, and a namespace without a
// team leaves the workload's label the only owner there is.
func TestTeamLabelIsTheNamespaces(t *testing.T) {
	const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: %s}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: %s}
    spec: {containers: [{name: c, image: x:1}]}
`
	const ownedPod = `apiVersion: v1
kind: Pod
metadata:
  name: web-1
  labels: {pave.dev/team: checkout}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: u, controller: true}]
spec: {containers: [{name: c, image: x:1}]}
`
	cases := []struct {
		name, yaml, nsTeam string
		wantFields         []string
		user               string // a team member's when ""
	}{
		{"its own team", fmt.Sprintf(deployment, "{pave.dev/team: payments}", "{app: web, pave.dev/team: payments}"), "payments", nil, ""},
		{"none: pave writes it", fmt.Sprintf(deployment, "{}", "{app: web}"), "payments", nil, ""},
		{"another team on both", fmt.Sprintf(deployment, "{pave.dev/team: checkout}", "{app: web, pave.dev/team: checkout}"), "payments",
			[]string{"metadata.labels[pave.dev/team]", "spec.template.metadata.labels[pave.dev/team]"}, ""},
		{"another team on its pods only", fmt.Sprintf(deployment, "{}", "{app: web, pave.dev/team: checkout}"), "payments",
			[]string{"spec.template.metadata.labels[pave.dev/team]"}, ""},
		{"an empty team", fmt.Sprintf(deployment, `{pave.dev/team: ""}`, "{app: web}"), "payments", []string{"metadata.labels[pave.dev/team]"}, ""},
		{"a Pod of its own", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {pave.dev/team: checkout}}\nspec: {containers: [{name: c, image: x:1}]}", "payments",
			[]string{"metadata.labels[pave.dev/team]"}, ""},
		{"a Pod its ReplicaSet made", ownedPod, "payments", nil, "system:serviceaccount:kube-system:replicaset-controller"},
		{"a Pod its ReplicaSet made, relabelled by a team member", ownedPod, "payments", []string{"metadata.labels[pave.dev/team]"}, ""},
		{"a namespace of no team", fmt.Sprintf(deployment, "{pave.dev/team: checkout}", "{app: web}"), "", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := workloadtest.Env()
			env.Namespace.Name = "shop"
			if c.nsTeam != "" {
				env.Namespace.Labels = map[string]string{"pave.dev/team": c.nsTeam}
			}
			env.User.Name = cmp.Or(c.user, "dev@example.com")
			vs := validators.TeamLabel{}.Validate(context.Background(), workloadtest.FromYAML(t, c.yaml), env)
			var fields []string
			for _, v := range vs {
				if v.Rule != "team-label" {
					t.Errorf("rule %s, want team-label", v.Rule)
				}
				fields = append(fields, v.Field)
			}
			if !slices.Equal(fields, c.wantFields) {
				t.Fatalf("fields %q, want %q (%v)", fields, c.wantFields, vs)
			}
		})
	}
}

// The short label a namespace may name its team by is its team too.
func TestTeamLabelReadsTheNamespacesShortLabel(t *testing.T) {
	env := workloadtest.Env()
	env.Namespace.Labels = map[string]string{"team": "payments"}
	w := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {pave.dev/team: checkout}}\nspec: {containers: [{name: c, image: x:1}]}")
	vs := validators.TeamLabel{}.Validate(context.Background(), w, env)
	if len(vs) != 1 || !strings.Contains(vs[0].Message, `team "payments"`) || !strings.Contains(vs[0].Fix, `"payments"`) {
		t.Fatalf("violations %v, want one naming team payments with a fix", vs)
	}
}
