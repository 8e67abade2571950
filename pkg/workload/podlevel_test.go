package workload_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/pave-dev/pave/pkg/workload"
)

// A limit without a request makes the request, in a list of its own: the
// container's is left as written.
func TestPodRequests(t *testing.T) {
	r := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("64Mi")},
	}
	got := workload.PodRequests(r)
	if got.Cpu().String() != "100m" || got.Memory().String() != "64Mi" {
		t.Errorf("requests %v, want cpu 100m and memory 64Mi", got)
	}
	if len(r.Requests) != 1 {
		t.Errorf("the container's own requests became %v", r.Requests)
	}
	r.Limits = nil
	if got := workload.PodRequests(r); len(got) != 1 || got.Cpu().String() != "100m" {
		t.Errorf("nothing lacking: %v", got)
	}
}
