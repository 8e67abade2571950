package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A workload's pave.dev/team rides on every series of its pods, where
// dashboards and alerts routed by team read it as the owner: a team member
// may name only the namespace's team, and pave writes it where none is
// named. A namespace handed to another team keeps its workloads running:
// an update that keeps the label the Deployment had passes, and the
// ReplicaSet and Pods the controller-manager makes from it are not judged
// again, though a team member's relabelling of such a Pod is.
func TestTeamMemberCannotNameAnotherTeam(t *testing.T) {
	const ns = "team-label"
	teamNamespace(t, ns)
	deploy := func(name, labels string) string {
		return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: %[1]s, labels: %[2]s}
spec:
  replicas: 1
  selector: {matchLabels: {app: %[1]s}}
  template:
    metadata: {labels: {app: %[1]s}}
    spec:
      containers: [{name: app, image: nginx:1.27.3, readinessProbe: {httpGet: {path: /, port: 80}}}]
`, name, labels)
	}
	_, err := asDev(deploy("spoofed", "{pave.dev/team: checkout}"), "apply", "-n", ns, "-f", "-")
	denied(t, "a Deployment naming another team", err, "[team-label] metadata.labels[pave.dev/team]",
		`the workload names team "checkout", but namespace team-label belongs to team "team-label"`,
		"spec.template.metadata.labels[pave.dev/team]")
	absent(t, ns, "deployment", "spoofed")

	if _, err := asDev(deploy("web", "{}"), "apply", "-n", ns, "-f", "-"); err != nil {
		t.Fatalf("a Deployment naming no team: %v", err)
	}
	d := getJSON(t, "-n", ns, "deployment", "web")
	for _, labels := range [][]any{{"metadata", "labels"}, {"spec", "template", "metadata", "labels"}} {
		if got := at(d, append(labels, "pave.dev/team")...); got != ns {
			t.Fatalf("%v[pave.dev/team] = %v, want the namespace's team %s", labels, got, ns)
		}
	}

	// The platform team hands the namespace to team orders: web now names
	// the team it had.
	if _, err := s.kubectl("label", "namespace", ns, "pave.dev/team=orders", "--overwrite"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error { // the admission server's cache learns the label
		_, err := asDev(deploy("old-team", "{pave.dev/team: team-label}"), "create", "-n", ns, "-f", "-")
		if err == nil {
			_, _ = s.kubectl("delete", "-n", ns, "deployment", "old-team", "--wait=false")
			return fmt.Errorf("a new Deployment naming the namespace's former team was admitted")
		}
		if !strings.Contains(err.Error(), `belongs to team "orders"`) {
			return err
		}
		return nil
	})
	if _, err := asDev("", "rollout", "restart", "-n", ns, "deployment/web"); err != nil {
		t.Fatalf("a restart of a Deployment that kept its team label: %v", err)
	}
	eventually(t, 60*time.Second, func() error { // its new ReplicaSet and Pod are admitted
		out, err := s.kubectl("get", "-n", ns, "replicasets,pods", "-l", "app=web", "-o", "name")
		if err != nil {
			return err
		}
		if rs, pods := strings.Count(out, "replicaset.apps/"), strings.Count(out, "pod/"); rs != 2 || pods != 2 {
			return fmt.Errorf("%d ReplicaSets and %d Pods of web after its restart, want 2 and 2:\n%s", rs, pods, out)
		}
		return nil
	})

	// A team member's write of a Pod the controller made is judged: the
	// label it keeps passes, another team's does not.
	pod, err := s.kubectl("get", "-n", ns, "pods", "-l", "app=web", "-o", "name")
	if err != nil {
		t.Fatal(err)
	}
	pod = strings.Fields(pod)[0]
	if _, err := asDev("", "label", "-n", ns, pod, "note=kept"); err != nil {
		t.Fatalf("a label beside the team the Pod had: %v", err)
	}
	_, err = asDev("", "label", "-n", ns, pod, "pave.dev/team=checkout", "--overwrite")
	denied(t, "a running Pod relabelled with another team", err, "[team-label] metadata.labels[pave.dev/team]", `names team "checkout"`)
}
