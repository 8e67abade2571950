package validators_test

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload"
)

// labels is n+1 labels: k0=v .. k(n-1)=v, and app=web.
func labels(n int) map[string]string {
	out := map[string]string{"app": "web"}
	for i := range n {
		out[fmt.Sprintf("k%d", i)] = "v"
	}
	return out
}

// The bound holds on a served workload's labels, its template's and its
// selector's terms, each on its own; at the bound nothing is found, and a
// ReplicaSet (whose template the Deployment controller adds a label to) is
// not judged.
func TestLabelBound(t *testing.T) {
	in := func(values int) []metav1.LabelSelectorRequirement {
		vs := make([]string, values)
		for i := range vs {
			vs[i] = fmt.Sprint(i)
		}
		return []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: vs}, {Key: "x", Operator: metav1.LabelSelectorOpExists}}
	}
	deployment := func(meta, pod int, sel *metav1.LabelSelector) runtime.Object {
		return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: labels(meta)}, Spec: appsv1.DeploymentSpec{
			Selector: sel, Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels(pod)}}}}
	}
	app := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}
	for _, c := range []struct {
		name   string
		obj    runtime.Object
		fields []string
	}{
		{"at the bound", deployment(63, 63, &metav1.LabelSelector{MatchLabels: labels(60), MatchExpressions: in(2)}), nil},
		{"labels over", deployment(64, 3, app), []string{"metadata.labels"}},
		{"template labels over", deployment(3, 64, app), []string{"spec.template.metadata.labels"}},
		{"selector values over", deployment(3, 3, &metav1.LabelSelector{MatchExpressions: in(64)}), []string{"spec.selector"}},
		{"all three", deployment(100, 100, &metav1.LabelSelector{MatchLabels: labels(100)}), []string{"metadata.labels", "spec.template.metadata.labels", "spec.selector"}},
		{"a StatefulSet", &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "db", Labels: labels(64)}}, []string{"metadata.labels"}},
		{"a ReplicaSet", &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web-1"}, Spec: appsv1.ReplicaSetSpec{
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels(64)}}}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, err := workload.New(c.obj)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range (validators.LabelBound{}).Validate(context.Background(), w, policy.Env{}) {
				if v.Rule != "label-bound" || !v.Denies() || v.Fix == "" {
					t.Errorf("finding %+v", v)
				}
				got = append(got, v.Field)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.fields) {
				t.Errorf("findings at %v, want %v", got, c.fields)
			}
		})
	}
	over := func(n int) string {
		w, _ := workload.New(deployment(n, 3, app))
		return (validators.LabelBound{}).Validate(context.Background(), w, policy.Env{})[0].Message
	}
	if over(65) != over(5000) {
		t.Errorf("the message counts the labels, so an update that stays over the bound would not be preexisting:\n%s\n%s", over(65), over(5000))
	}
}
