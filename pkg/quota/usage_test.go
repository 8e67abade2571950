package quota_test

import (
	"maps"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	resourcehelper "k8s.io/component-helpers/resource"
	"k8s.io/utils/ptr"

	"github.com/pave-dev/pave/pkg/quota"
)

// PodUsage sums a plain pod (containers and sidecars) itself, for speed:
// it must come to what component-helpers, which the quota controller sums
// with, gives for every shape, and the shapes it leaves to component-helpers
// (an init container that runs first, pod-level resources, overhead) must
// count as the quota does.
func TestPodUsageSumsAsTheQuotaDoes(t *testing.T) {
	rl := func(kv ...string) corev1.ResourceList {
		out := corev1.ResourceList{}
		for i := 0; i < len(kv); i += 2 {
			out[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
		}
		return out
	}
	c := func(req, lim corev1.ResourceList) corev1.Container {
		return corev1.Container{Name: "c", Resources: corev1.ResourceRequirements{Requests: req, Limits: lim}}
	}
	sidecar := func(req, lim corev1.ResourceList) corev1.Container {
		s := c(req, lim)
		s.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyAlways)
		return s
	}
	app := c(rl("cpu", "500m", "memory", "128Mi", "nvidia.com/gpu", "1"), rl("memory", "256Mi", "hugepages-2Mi", "2Mi"))
	for name, spec := range map[string]corev1.PodSpec{
		"one container":             {Containers: []corev1.Container{app}},
		"containers and sidecars":   {Containers: []corev1.Container{app, c(rl("cpu", "1"), nil)}, InitContainers: []corev1.Container{sidecar(rl("cpu", "100m", "memory", "64Mi"), rl("memory", "1Gi"))}},
		"no resources":              {Containers: []corev1.Container{c(nil, nil)}},
		"an init container first":   {Containers: []corev1.Container{app}, InitContainers: []corev1.Container{c(rl("cpu", "2", "memory", "1Gi"), rl("memory", "2Gi"))}},
		"a sidecar, then an init":   {Containers: []corev1.Container{app}, InitContainers: []corev1.Container{sidecar(rl("cpu", "1"), nil), c(rl("cpu", "1"), nil)}},
		"pod-level resources":       {Containers: []corev1.Container{app}, Resources: &corev1.ResourceRequirements{Requests: rl("cpu", "3"), Limits: rl("cpu", "4")}},
		"a RuntimeClass's overhead": {Containers: []corev1.Container{app}, Overhead: rl("cpu", "250m", "memory", "120Mi")},
	} {
		t.Run(name, func(t *testing.T) {
			pod := &corev1.Pod{Spec: spec}
			want := corev1.ResourceList{"pods": resource.MustParse("1")}
			for n, q := range resourcehelper.PodRequests(pod, resourcehelper.PodResourcesOptions{}) {
				want["requests."+n] = q
				if n == "cpu" || n == "memory" || n == "ephemeral-storage" {
					want[n] = q
				}
			}
			for n, q := range resourcehelper.PodLimits(pod, resourcehelper.PodResourcesOptions{}) {
				want["limits."+n] = q
			}
			got := quota.PodUsage(&spec)
			if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
				t.Fatalf("names %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
			}
			for n, q := range want {
				if g := got[n]; g.Cmp(q) != 0 {
					t.Errorf("%s: %s, want %s", n, g.String(), q.String())
				}
			}
		})
	}
	// The init container that asks for more counts instead of the app's.
	first := corev1.PodSpec{Containers: []corev1.Container{app}, InitContainers: []corev1.Container{c(rl("cpu", "2"), nil)}}
	if got := quota.PodUsage(&first)["requests.cpu"]; got.String() != "2" {
		t.Errorf("requests.cpu %s, want the init container's 2", got.String())
	}
}
