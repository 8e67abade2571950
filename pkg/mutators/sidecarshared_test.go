package mutators_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// The proxy the sidecar injects shares the policy's prepared one, but for
// its security context, which the hardening after it completes: pave's
// whole pipeline, run over pods the proxy goes into, leaves the prepared
// proxy and its volumes as they were, and hardens each injected proxy.
func TestInjectedProxiesLeaveThePreparedOne(t *testing.T) {
	env := workloadtest.Env()
	spec := env.Policy.Spec
	spec.Mesh.Mode = v1alpha1.MeshIstio
	// A template (over the built-in one) whose proxy drops one capability,
	// not all of them: the hardening adds ALL to its security context.
	spec.Mesh.Sidecar = v1alpha1.SidecarTemplate{
		Container: &corev1.Container{
			Name: "istio-proxy", Image: "proxy:1",
			SecurityContext: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"NET_RAW"}}},
			Args:            []string{"proxy", "sidecar"},
			Env: []corev1.EnvVar{{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{
				FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}},
			VolumeMounts: []corev1.VolumeMount{{Name: "istio-envoy", MountPath: "/etc/istio/proxy"}},
		},
		Volumes: []corev1.Volume{{Name: "istio-envoy", VolumeSource: corev1.VolumeSource{
			EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}}},
	}
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	env.Policy = p
	e, err := engine.Default(p, engine.Companions{})
	if err != nil {
		t.Fatal(err)
	}
	proxy, volumes := mutators.PreparedProxy(p)

	withVolume := strings.Replace(workloadtest.Deployment("x:1"), "containers:",
		"volumes: [{name: istio-envoy, hostPath: {path: /}}, {name: scratch, ephemeral: {volumeClaimTemplate: {spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}}}]\n      containers:", 1)
	for _, doc := range []string{workloadtest.Deployment("x:1"), withVolume, workloadtest.Deployment("y:2")} {
		r, err := e.Mutate(context.Background(), workloadtest.FromYAML(t, doc), env)
		if err != nil {
			t.Fatal(err)
		}
		injected := r.Mutated.PodSpec.InitContainers
		if len(injected) != 1 || injected[0].Image != "proxy:1" || injected[0].SecurityContext == nil ||
			!slices.Equal(injected[0].SecurityContext.Capabilities.Drop, []corev1.Capability{"NET_RAW", "ALL"}) {
			t.Fatalf("no hardened proxy injected: %+v", injected)
		}
		for _, v := range r.Mutated.PodSpec.Volumes {
			if v.Name == "istio-envoy" && v.EmptyDir == nil {
				t.Errorf("the pod's own istio-envoy volume was kept: %+v", v)
			}
		}
	}
	gotProxy, gotVolumes := mutators.PreparedProxy(p)
	if !reflect.DeepEqual(gotProxy, proxy) {
		t.Errorf("the prepared proxy changed:\n%+v\nwas\n%+v", gotProxy, proxy)
	}
	if !reflect.DeepEqual(gotVolumes, volumes) {
		t.Errorf("the prepared volumes changed:\n%+v\nwere\n%+v", gotVolumes, volumes)
	}
}

// The steps after the sidecar in pave's pipeline change security contexts
// only, as the sidecar's sharing of the prepared proxy needs: no other part
// of an init container, nor a pod volume, is in their scope.
func TestStepsAfterTheSidecarLeaveTheProxy(t *testing.T) {
	e, err := engine.Default(policy.Default(), engine.Companions{})
	if err != nil {
		t.Fatal(err)
	}
	steps := e.Steps()
	after := -1
	for i, s := range steps {
		if s.Mutator.Name() == (mutators.Sidecar{}).Name() {
			after = i + 1
		}
	}
	if after < 0 {
		t.Fatal("no sidecar step in pave's pipeline")
	}
	for _, s := range steps[after:] {
		scoped, ok := s.Mutator.(engine.Scoped)
		if !ok {
			t.Errorf("%s runs after the sidecar and may change anything (it is not engine.Scoped)", s.Mutator.Name())
			continue
		}
		for _, path := range scoped.Scope() {
			if touchesSharedProxy(path) {
				t.Errorf("%s runs after the sidecar and may change %s, which the injected proxy shares with the policy's", s.Mutator.Name(), path)
			}
		}
	}
}

// touchesSharedProxy reports whether a scope path overlaps the parts of an
// injected proxy shared with the policy's: its pod's volumes, and all of an
// init container but its security context.
func touchesSharedProxy(path string) bool {
	if overlaps(path, "pod.spec.volumes") {
		return true
	}
	if !overlaps(path, "pod.spec.initContainers.*") {
		return false
	}
	segs := strings.Split(path, ".") // pod, spec, initContainers, *, the field
	return len(segs) < 5 || segs[4] != "securityContext"
}

// overlaps reports whether one of two scope paths is under the other, "*"
// standing for any key or element.
func overlaps(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range min(len(as), len(bs)) {
		if as[i] != bs[i] && as[i] != "*" && bs[i] != "*" {
			return false
		}
	}
	return true
}
