package scheduling_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/scheduling"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// The control plane's taints, and every taint at once, are refused at the
// toleration; a team's own taint, and the API server's default
// not-ready/unreachable tolerations, pass.
func TestControlPlaneTolerationsAreRefused(t *testing.T) {
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers: [{name: c, image: 'x:1'}]
      tolerations:
      - {key: dedicated, value: orders, effect: NoSchedule}
      - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
      - {operator: Exists}
      - {key: node-role.kubernetes.io/master, effect: NoSchedule}`)
	vs := scheduling.ControlPlane{}.Validate(context.Background(), w, workloadtest.Env())
	var fields []string
	for _, v := range vs {
		fields = append(fields, v.Field)
		if !v.Denies() || v.Rule != "control-plane-nodes" {
			t.Errorf("%+v", v)
		}
	}
	want := []string{"spec.template.spec.tolerations[1]", "spec.template.spec.tolerations[3]", "spec.template.spec.tolerations[4]"}
	if !slices.Equal(fields, want) {
		t.Fatalf("findings at %v, want %v", fields, want)
	}
	if !strings.Contains(vs[1].Message, "tolerates every taint") {
		t.Errorf("message: %s", vs[1].Message)
	}
}

// A Pod created with its node named, judged as the API server would (e2e
// TestTeamMemberCannotPickTheNode): refused from a team member; nodes
// (mirror Pods) and the platform team may; a Pod without one passes.
func TestGuardRefusesPodsThatNameTheirNode(t *testing.T) {
	objs, err := scheduling.Guard{Install: v1alpha1.Install{PaveNamespace: "pave-system"}}.GenerateCluster(context.Background(), policy.Default())
	if err != nil || len(objs) != 2 {
		t.Fatalf("%d objects, %v", len(objs), err)
	}
	vap := objs[0].(*admissionregistrationv1.ValidatingAdmissionPolicy)
	pod := func(node string) map[string]any {
		spec := map[string]any{"containers": []any{map[string]any{"name": "c", "image": "x:1"}}}
		if node != "" {
			spec["nodeName"] = node
		}
		return map[string]any{"metadata": map[string]any{"name": "web"}, "spec": spec}
	}
	for _, c := range []struct {
		name    string
		user    string
		groups  []string
		node    string
		refused bool
	}{
		{"a team member's Pod on the control plane", "dev", []string{"system:authenticated"}, "cp-1", true},
		{"a team member's scheduled Pod", "dev", []string{"system:authenticated"}, "", false},
		{"a mirror Pod", "system:node:worker-1", []string{"system:nodes", "system:authenticated"}, "worker-1", false},
		{"the platform team's", "admin", []string{"system:masters"}, "cp-1", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			matched, failed, err := evaluate.Policy(vap, evaluate.Request{Resource: schema.GroupVersionResource{Version: "v1", Resource: "pods"},
				Operation: "CREATE", Namespace: "shop", Username: c.user, Groups: c.groups, Object: pod(c.node)})
			if err != nil || !matched {
				t.Fatalf("matched %v, %v", matched, err)
			}
			if c.refused != (len(failed) > 0) {
				t.Fatalf("refused %v, want %v: %q", len(failed) > 0, c.refused, failed)
			}
			if c.refused && !strings.Contains(failed[0], "Pod web names node cp-1 (spec.nodeName): a Pod that names its node skips the scheduler and every taint") {
				t.Errorf("message: %q", failed[0])
			}
		})
	}
	// Every scheduled Pod has a node name: updates are not the guard's.
	matched, _, err := evaluate.Policy(vap, evaluate.Request{Resource: schema.GroupVersionResource{Version: "v1", Resource: "pods"},
		Operation: "UPDATE", Namespace: "shop", Groups: []string{"system:authenticated"}, Object: pod("worker-1"), OldObject: pod("worker-1")})
	if err != nil || matched {
		t.Errorf("an update matched (%v, %v)", matched, err)
	}
}

// A pod template that names its node is refused, whatever the kind that
// carries it: the pods its controller makes are the controller's requests,
// which the guard trusts. A template without one, and a Pod (bound Pods all
// have one; the guard judges its creation), pass.
func TestTemplatesThatNameTheirNodeAreRefused(t *testing.T) {
	template := `
    metadata: {labels: {app: d}}
    spec:
      nodeName: cp-1
      containers: [{name: c, image: 'x:1'}]`
	for _, c := range []struct {
		name, doc, field string
	}{
		{"Deployment", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:" + template, "spec.template.spec.nodeName"},
		{"DaemonSet", "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:" + template, "spec.template.spec.nodeName"},
		{"Job", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: d}\nspec:\n  template:" + template, "spec.template.spec.nodeName"},
		{"CronJob", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: d}\nspec:\n  schedule: '@daily'\n  jobTemplate:\n   spec:\n    template:" + strings.ReplaceAll(template, "\n", "\n  "), "spec.jobTemplate.spec.template.spec.nodeName"},
	} {
		t.Run(c.name, func(t *testing.T) {
			vs := scheduling.NodeName{}.Validate(context.Background(), workloadtest.FromYAML(t, c.doc), workloadtest.Env())
			if len(vs) != 1 || !vs[0].Denies() || vs[0].Rule != "node-name" || vs[0].Field != c.field {
				t.Fatalf("%+v", vs)
			}
			if !strings.Contains(vs[0].Message, `names node "cp-1"`) || !strings.Contains(vs[0].Fix, "nodeSelector") {
				t.Errorf("%s / %s", vs[0].Message, vs[0].Fix)
			}
		})
	}
	for name, doc := range map[string]string{
		"a template without a node": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:" + strings.Replace(template, "nodeName: cp-1", "nodeSelector: {kubernetes.io/hostname: worker-1}", 1),
		"a bound Pod":               "apiVersion: v1\nkind: Pod\nmetadata: {name: d}\nspec:\n  nodeName: worker-1\n  containers: [{name: c, image: 'x:1'}]",
	} {
		if vs := (scheduling.NodeName{}).Validate(context.Background(), workloadtest.FromYAML(t, doc), workloadtest.Env()); len(vs) != 0 {
			t.Errorf("%s: %+v", name, vs)
		}
	}
}
