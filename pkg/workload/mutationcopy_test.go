package workload_test

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/pave-dev/pave/pkg/workload"
)

// CopyContainer's copy equals its source and shares the resource lists with
// it and nothing else: a change to the copy's other parts leaves the source
// as it was.
func TestCopyContainerSharesOnlyTheResourceLists(t *testing.T) {
	up, root := int64(1337), false
	src := corev1.Container{Name: "proxy", Image: "x:1", Args: []string{"a"},
		Env:            []corev1.EnvVar{{Name: "N", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}},
		Ports:          []corev1.ContainerPort{{ContainerPort: 15090}},
		VolumeMounts:   []corev1.VolumeMount{{Name: "v", MountPath: "/v"}},
		ReadinessProbe: &corev1.Probe{PeriodSeconds: 15},
		Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")},
			Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}, Claims: []corev1.ResourceClaim{{Name: "gpu"}}},
		SecurityContext: &corev1.SecurityContext{RunAsUser: &up, RunAsNonRoot: &root}}
	want := *src.DeepCopy()
	var dst corev1.Container
	workload.CopyContainer(&src, &dst)
	if !reflect.DeepEqual(dst, want) {
		t.Fatalf("copy differs:\n%+v\nwant\n%+v", dst, want)
	}
	if reflect.ValueOf(dst.Resources.Requests).UnsafePointer() != reflect.ValueOf(src.Resources.Requests).UnsafePointer() ||
		reflect.ValueOf(dst.Resources.Limits).UnsafePointer() != reflect.ValueOf(src.Resources.Limits).UnsafePointer() {
		t.Fatal("the resource lists are not shared")
	}
	dst.Args[0], dst.Env[0].ValueFrom.FieldRef.FieldPath, dst.Ports[0].ContainerPort = "b", "spec.nodeName", 1
	dst.VolumeMounts[0].MountPath, dst.ReadinessProbe.PeriodSeconds, *dst.SecurityContext.RunAsUser = "/w", 1, 0
	dst.Resources.Claims[0].Name = "tpu"
	if !reflect.DeepEqual(src, want) {
		t.Fatalf("changing the copy changed the source:\n%+v", src)
	}
}
