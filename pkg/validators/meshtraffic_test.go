package validators_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A traffic annotation on a workload pave writes no routes for would do
// nothing, and the team would never learn it: it is warned of, with the
// reason. A Pod carries one only as a copy of its template's, and is left
// alone.
func TestMeshTrafficWarnsOfAnnotationsWithoutEffect(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mode   v1alpha1.MeshMode
		change func(w *workload.Workload)
		want   string // in the message of the finding; "" for none
	}{
		{"routed", v1alpha1.MeshIstio, func(*workload.Workload) {}, ""},
		{"no container port", v1alpha1.MeshIstio, func(w *workload.Workload) { w.PodSpec.Containers[0].Ports = nil }, "none of its containers declares a port"},
		{"host network", v1alpha1.MeshIstio, func(w *workload.Workload) { w.PodSpec.HostNetwork = true }, "the host's network"},
		{"app name no Service can have", v1alpha1.MeshIstio, func(w *workload.Workload) { w.Meta.Labels[v1alpha1.LabelName] = "My_App.v2" }, `"My_App.v2", is not a name a Service can have`},
		{"no app name", v1alpha1.MeshIstio, func(w *workload.Workload) { delete(w.Meta.Labels, v1alpha1.LabelName) }, "no label app.kubernetes.io/name"},
		{"a canary", v1alpha1.MeshDelegate, func(w *workload.Workload) { w.Meta.Annotations[v1alpha1.AnnotationCanaryOf] = "web" }, `the routes of its stable workload, "web"`},
		{"mesh off", v1alpha1.MeshOff, func(*workload.Workload) {}, `the policy's mesh mode is "off"`},
		{"cilium", v1alpha1.MeshCilium, func(*workload.Workload) {}, `the policy's mesh mode is "cilium"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, workloadtest.Served("web-v2", "shop"))
			w.Meta.Annotations = map[string]string{v1alpha1.AnnotationTimeout: "5s"}
			tc.change(w)
			got := validators.MeshTraffic{}.Validate(context.Background(), w, workloadtest.MeshEnv(t, tc.mode))
			if tc.want == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "mesh-traffic-unrouted")
			if got[0].Field != "metadata.annotations[pave.dev/timeout]" || !strings.Contains(got[0].Message, tc.want) || got[0].Fix == "" {
				t.Errorf("finding %+v, want one at the annotation saying %q, with a fix", got[0], tc.want)
			}
		})
	}
}

// An annotation's bad value is said once, not again as one without effect;
// each other annotation is judged on its own.
func TestMeshTrafficSaysABadValueOnce(t *testing.T) {
	w := workloadtest.FromYAML(t, workloadtest.Served("web", "shop"))
	w.PodSpec.Containers[0].Ports = nil
	w.Meta.Annotations = map[string]string{v1alpha1.AnnotationTimeout: "soon", v1alpha1.AnnotationRetries: "2"}
	got := validators.MeshTraffic{}.Validate(context.Background(), w, workloadtest.MeshEnv(t, v1alpha1.MeshIstio))
	assertRules(t, got, "mesh-traffic", "mesh-traffic-unrouted")
	if !strings.Contains(got[0].Message, `"soon" is not a duration`) || got[1].Field != "metadata.annotations[pave.dev/retries]" || !strings.Contains(got[1].Message, "has no effect") {
		t.Errorf("findings %+v", got)
	}
}

// The Pods of a template with the annotation are not judged by it: denying
// them would stop the ReplicaSet, not tell the team.
func TestMeshTrafficLeavesPods(t *testing.T) {
	w := workloadtest.FromYAML(t, `apiVersion: v1
kind: Pod
metadata: {name: web-1, labels: {app.kubernetes.io/name: web}, annotations: {pave.dev/timeout: 5s}}
spec:
  containers: [{name: web, image: "web:1"}]`)
	assertRules(t, validators.MeshTraffic{}.Validate(context.Background(), w, workloadtest.MeshEnv(t, v1alpha1.MeshIstio)))
}
