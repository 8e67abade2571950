package validators

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

var ruleTeamLabel = policy.Rule{ID: "team-label", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce, TemplateOnly: true,
	Description: "a workload names no team but its namespace's: the label rides on every series of its pods, and dashboards and alert routes read it as the owner"}

// TeamLabel judges a workload's pave.dev/team against its namespace's team.
// The label pave writes when it is missing comes from the namespace, whose
// labels a team member cannot write (pave-guarded-namespace-labels); one the
// team wrote itself was kept as written, and the PodMonitor's
// podTargetLabels then carried it onto every series of the pods. So a team
// could put another team's name on its own workloads' metrics: their
// dashboards and any alert routed by team would show and page the other
// team. A namespace that names no team leaves the workload's label the only
// owner there is, and it is not judged.
//
// What a controller makes (a Deployment's ReplicaSets, their Pods, a
// CronJob's Jobs) copies its labels from a template judged at its own
// admission, and is not judged again when the controller writes it: a
// namespace handed to another team would otherwise stop its running
// workloads from scaling or replacing a Pod until each was relabelled. A
// team member's write of the same object is judged (kubectl label pod
// names the team its series carry), and an update that keeps a label the
// object had passes (engine.ValidateUpdate), as every finding it already had.
type TeamLabel struct{}

// Name implements engine.Validator.
func (TeamLabel) Name() string { return "team-label" }

// Rules implements engine.Validator.
func (TeamLabel) Rules() []policy.Rule { return []policy.Rule{ruleTeamLabel} }

// Validate implements engine.Validator.
func (TeamLabel) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	team := v1alpha1.TeamOf(env.Namespace.Labels)
	if team == "" || env.User.Controller() && metav1.GetControllerOfNoCopy(w.Meta) != nil {
		return nil
	}
	var out []policy.Violation
	judge := func(labels map[string]string, path string) {
		named, ok := labels[v1alpha1.LabelTeam]
		if !ok || named == team {
			return
		}
		field := path + ".labels[" + v1alpha1.LabelTeam + "]"
		out = append(out, ruleTeamLabel.Violation(field,
			fmt.Sprintf("the workload names team %q, but namespace %s belongs to team %q: the label is carried onto every series of its pods, where dashboards and alerts routed by team would count it as %q's", named, env.Namespace.Name, team, named),
			fmt.Sprintf("remove %s (pave writes the namespace's team, %q), or deploy to a namespace of team %q", field, team, named)))
	}
	judge(w.Meta.Labels, "metadata")
	if w.PodMeta != w.Meta { // a Pod is its own template
		judge(w.PodMeta.Labels, w.PodMetaPath)
	}
	return out
}
