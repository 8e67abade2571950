package workload_test

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A copy for mutation equals its original, shares exactly the containers'
// resource lists with it, and a change anywhere else in the copy (metadata,
// the pod spec, a container, a list replaced by WritableResources) leaves
// the original as it was, for every kind, the ReplicationController's
// template pointer included.
func TestCopyForMutationSharesOnlyTheResourceLists(t *testing.T) {
	pod := `{metadata: {labels: {a: b}}, spec: {initContainers: [{name: i, image: x:1, resources: {requests: {cpu: 10m}}}], containers: [{name: c, image: x:1, env: [{name: E, value: v}], resources: {requests: {cpu: 100m}, limits: {memory: 1Gi}}}, {name: d, image: x:1}], volumes: [{name: v, emptyDir: {}}]}}`
	docs := map[string]string{
		"Deployment":            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, labels: {a: b}}\nspec: {template: " + pod + "}",
		"StatefulSet":           "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: w}\nspec: {template: " + pod + "}",
		"DaemonSet":             "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: w}\nspec: {template: " + pod + "}",
		"ReplicaSet":            "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: w}\nspec: {template: " + pod + "}",
		"Job":                   "apiVersion: batch/v1\nkind: Job\nmetadata: {name: w}\nspec: {template: " + pod + "}",
		"CronJob":               "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w}\nspec: {schedule: '* * * * *', jobTemplate: {spec: {template: " + pod + "}}}",
		"ReplicationController": "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: w}\nspec: {template: " + pod + "}",
		"Pod":                   "apiVersion: v1\nkind: Pod\nmetadata: {name: w, labels: {a: b}}\nspec: {initContainers: [{name: i, image: x:1, resources: {requests: {cpu: 10m}}}], containers: [{name: c, image: x:1, env: [{name: E, value: v}], resources: {requests: {cpu: 100m}, limits: {memory: 1Gi}}}, {name: d, image: x:1}], ephemeralContainers: [{name: e, image: x:1}], volumes: [{name: v, emptyDir: {}}]}",
	}
	for kind, doc := range docs {
		t.Run(kind, func(t *testing.T) {
			w := workloadtest.FromYAML(t, doc)
			before, _ := w.JSON()
			cp := w.CopyForMutation()
			if got, _ := cp.JSON(); string(got) != string(before) {
				t.Fatalf("the copy differs:\n%s\n%s", got, before)
			}
			if reflect.ValueOf(cp.PodSpec.Containers[0].Resources.Requests).Pointer() != reflect.ValueOf(w.PodSpec.Containers[0].Resources.Requests).Pointer() {
				t.Error("the copy does not share the resource lists: it copies what it need not")
			}
			cp.Meta.Name = "changed"
			cp.PodMeta.Labels["a"] = "changed"
			cp.PodSpec.Containers[0].Image = "changed"
			cp.PodSpec.Containers[0].Env[0].Value = "changed"
			cp.PodSpec.Containers = append(cp.PodSpec.Containers, corev1.Container{Name: "added"})
			cp.PodSpec.InitContainers[0].Name = "changed"
			cp.PodSpec.Volumes[0].Name = "changed"
			for i := range cp.PodSpec.EphemeralContainers {
				cp.PodSpec.EphemeralContainers[i].Image = "changed"
			}
			r := &cp.PodSpec.Containers[0].Resources
			workload.WritableResources(&r.Requests)
			r.Requests[corev1.ResourceMemory] = resource.MustParse("1Gi")
			r.Requests[corev1.ResourceCPU] = resource.MustParse("2")
			workload.WritableResources(&cp.PodSpec.Containers[1].Resources.Limits) // nil before
			cp.PodSpec.Containers[1].Resources.Limits[corev1.ResourceCPU] = resource.MustParse("1")
			if after, _ := w.JSON(); string(after) != string(before) {
				t.Errorf("a change to the copy reached the original:\n%s\nwas\n%s", after, before)
			}
		})
	}
}

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
