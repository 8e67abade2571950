// Package benchdata holds the objects pave's benchmarks admit, so that the
// in-process benchmarks and hack/webhookbench measure the same request.
package benchdata

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/policy"
)

// Team is the pave.dev/team of the compliant Deployment; its namespace must
// carry the same.
const Team = "bench"

// Policy is the PlatformPolicy the benchmarks run under: the mesh on (the
// whole pipeline), and one tier large enough for the memory figure's
// thousands of Pods with their sidecars.
const Policy = `apiVersion: pave.dev/v1alpha1
kind: PlatformPolicy
metadata: {name: default}
spec:
  mesh: {mode: istio}
  tiers:
    defaultTier: bench
    tiers: [{name: bench, quota: {pods: "100000", requests.cpu: "100000", requests.memory: 100Ti, limits.memory: 100Ti}, maxPerContainer: {memory: 64Gi}}]
`

// LoadPolicy is Policy compiled, as the in-process benchmarks and tests run
// pave under it.
func LoadPolicy() (*policy.Policy, error) {
	p, _, err := policy.Load("bench-policy.yaml", []byte(Policy))
	return p, err
}

// Compliant is a Deployment pave admits, of about 2 KB with one container:
// pinned image from a registry, probes, resources, the team's labels.
func Compliant(containers int) *appsv1.Deployment { return build(containers, "api", "1.4") }

// Nth is the kth (below 10^8) of a series of compliant Deployments that
// differ in their name and their containers' images, so that no two share a
// container: each is new to the webhook, which remembers the containers it
// decodes.
func Nth(containers, k int) *appsv1.Deployment {
	n := number(k)
	return build(containers, "api-"+n, "1."+n)
}

// seriesTemplate is the number of Template's Deployment: digits that occur
// nowhere else in it, in a review of it or in pave's mutation of it.
const seriesTemplate = 77777777

// Template is the series' Deployment that Renumber makes the others of.
func Template(containers int) *appsv1.Deployment { return Nth(containers, seriesTemplate) }

// Renumber is b, which holds Template encoded (or a review of it, or the
// same after pave's mutation), as it would be for Nth(_, k): a copy with the
// template's digits replaced by k's, which a load generator can make for
// every request without encoding anything.
func Renumber(b []byte, k int) []byte {
	return bytes.ReplaceAll(b, []byte(number(seriesTemplate)), []byte(number(k)))
}

// number is k as the eight digits the series' names and images carry.
func number(k int) string { return fmt.Sprintf("%08d", k%100_000_000) }

func build(containers int, name, version string) *appsv1.Deployment {
	labels := map[string]string{"app.kubernetes.io/name": "api", "pave.dev/team": Team}
	d := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels, Annotations: map[string]string{"description": strings.Repeat("the api of the shop ", 20)}},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}}},
	}
	zero := int32(0)
	d.Spec.Replicas = &zero
	for i := range containers {
		d.Spec.Template.Spec.Containers = append(d.Spec.Template.Spec.Containers, corev1.Container{
			Name: "c" + strconv.Itoa(i), Image: "registry.example.com/shop/api:" + version + "." + strconv.Itoa(i),
			Ports:          []corev1.ContainerPort{{Name: "http", ContainerPort: int32(8080 + i)}},
			Env:            []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "REGION", Value: "eu-west-1"}},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromInt32(int32(8080 + i))}}},
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
				Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")}},
		})
	}
	return d
}
