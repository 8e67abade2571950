package mutators_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// istio-cni redirects a pod's traffic through its proxy only when the pod
// carries sidecar.istio.io/status: without it the injected proxy runs and
// the traffic goes around it. The injected pod carries Istio's marks, a
// template pave injected before it wrote them gets them, and a look-alike
// sidecar with a copied hash does not.
func TestSidecarCarriesIstiosMarks(t *testing.T) {
	env := meshEnv(t, v1alpha1.MeshIstio)
	w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	if changed, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil || !changed {
		t.Fatalf("changed=%v err=%v", changed, err)
	}
	var status struct {
		InitContainers []string `json:"initContainers"`
		Containers     []string `json:"containers"`
		Volumes        []string `json:"volumes"`
	}
	if err := json.Unmarshal([]byte(w.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus]), &status); err != nil {
		t.Fatalf("%s: %v", v1alpha1.AnnotationIstioStatus, err)
	}
	var volumes []string
	for _, v := range env.Policy.Spec.Mesh.Sidecar.Volumes {
		volumes = append(volumes, v.Name)
	}
	if !slices.Equal(status.InitContainers, []string{"istio-proxy"}) || status.Containers != nil || !slices.Equal(status.Volumes, volumes) {
		t.Errorf("status %+v, want the native sidecar istio-proxy and volumes %q", status, volumes)
	}
	if got := w.PodMeta.Labels[v1alpha1.LabelIstioTLSMode]; got != "istio" {
		t.Errorf("%s = %q, want istio", v1alpha1.LabelIstioTLSMode, got)
	}

	// Injected by an earlier pave: the current proxy, without the marks.
	before := w.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus]
	delete(w.PodMeta.Annotations, v1alpha1.AnnotationIstioStatus)
	w.PodMeta.Labels[v1alpha1.LabelIstioTLSMode] = "disabled"
	if changed, _ := (mutators.Sidecar{}).Mutate(context.Background(), w, env); !changed {
		t.Fatal("the marks were not completed")
	}
	if w.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus] != before || w.PodMeta.Labels[v1alpha1.LabelIstioTLSMode] != "istio" {
		t.Errorf("marks %q %q after completion", w.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus], w.PodMeta.Labels[v1alpha1.LabelIstioTLSMode])
	}

	// A look-alike that copied the hash is not marked for istio-cni.
	w.PodSpec.InitContainers[0].Image = "busybox:1.36"
	delete(w.PodMeta.Annotations, v1alpha1.AnnotationIstioStatus)
	if changed, _ := (mutators.Sidecar{}).Mutate(context.Background(), w, env); changed {
		t.Fatal("a look-alike sidecar was marked")
	}
	if _, ok := w.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus]; ok {
		t.Fatal("a look-alike sidecar carries Istio's status")
	}
}

// In delegate mode Istio's injector writes its own marks.
func TestDelegateLeavesIstiosMarksToIstio(t *testing.T) {
	w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, meshEnv(t, v1alpha1.MeshDelegate)); err != nil {
		t.Fatal(err)
	}
	if _, ok := w.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus]; ok {
		t.Error("delegate mode wrote Istio's status")
	}
	if _, ok := w.PodMeta.Labels[v1alpha1.LabelIstioTLSMode]; ok {
		t.Error("delegate mode wrote the tlsMode label")
	}
}
