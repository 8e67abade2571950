package preflight_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/preflight"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// A namespace that already uses more than its tier will allow is named,
// counted as the quota controller counts: pods that have not finished, their
// requests and limits (init containers by the larger of their own and the
// app's), and the workloads. Over pods or compute its new Pods are refused
// (high); over a count only its new objects (medium). A namespace at its
// limit, one pave's configurations exclude and the control plane's are not
// named.
func TestNamesNamespacesOverTheirTier(t *testing.T) {
	pod := func(ns, name string, phase corev1.PodPhase, cpu string) corev1.Pod {
		return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: corev1.PodSpec{
				InitContainers: []corev1.Container{{Name: "init", Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("3")}}}},
				Containers: []corev1.Container{{Name: "app", Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)},
					Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}}}}},
			Status: corev1.PodStatus{Phase: phase}}
	}
	deployments := func(ns string, n int) []*workload.Workload {
		var out []*workload.Workload
		for i := range n {
			out = append(out, workloadtest.FromYAML(t, fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d%d, namespace: %s}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      containers: [{name: c, image: 'x:1'}]\n", i, ns)))
		}
		return out
	}
	p, _, err := policy.Load("policy.yaml", []byte(`apiVersion: pave.dev/v1alpha1
kind: PlatformPolicy
metadata: {name: default}
spec:
  tiers:
    defaultTier: tiny
    tiers:
    - {name: tiny, quota: {pods: "2", requests.cpu: "6", limits.memory: 2Gi, count/deployments.apps: "2", secrets: "1"}}
    - {name: roomy, quota: {pods: "100", count/deployments.apps: "2", count/ingresses.networking.k8s.io: "1", count/poddisruptionbudgets.policy: "0"}}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := preflight.Cluster{Install: v1alpha1.Install{PaveNamespace: "pave-system", Excluded: []string{"batch"}},
		Namespaces: map[string]map[string]string{"crowded": {}, "full": {}, "many": {"pave.dev/tier": "roomy"}, "batch": {}, "kube-system": {}},
		Pods: []corev1.Pod{
			// crowded: three running pods of 1 cpu, each 3 with its init
			// container; a finished one counts for nothing.
			pod("crowded", "a", corev1.PodRunning, "1"), pod("crowded", "b", corev1.PodPending, "1"), pod("crowded", "c", corev1.PodRunning, "1"),
			pod("crowded", "done", corev1.PodSucceeded, "1"),
			// full: at its limits exactly.
			pod("full", "a", corev1.PodRunning, "1"), pod("full", "b", corev1.PodRunning, "1"),
			pod("batch", "a", corev1.PodRunning, "1"), pod("batch", "b", corev1.PodRunning, "1"), pod("batch", "c", corev1.PodRunning, "1"),
			pod("kube-system", "a", corev1.PodRunning, "1"), pod("kube-system", "b", corev1.PodRunning, "1"), pod("kube-system", "c", corev1.PodRunning, "1"),
		},
		Workloads: append(deployments("many", 3), deployments("full", 2)...),
		Budgets:   []policyv1.PodDisruptionBudget{{ObjectMeta: metav1.ObjectMeta{Namespace: "many", Name: "web"}}},
		Routing: []client.Object{
			&networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "many", Name: "a"}},
			&networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "many", Name: "b"}},
			&networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "full", Name: "a"}},
		},
	}
	found, err := preflight.Run(context.Background(), p, c)
	if err != nil {
		t.Fatal(err)
	}
	got := ofCheck(found, "tier-exceeded")
	if len(got) != 2 {
		t.Fatalf("%d findings, want crowded's and many's: %+v", len(got), got)
	}
	crowded, many := got[0], got[1]
	if crowded.Subject != "Namespace crowded (tier tiny)" || crowded.Severity != "high" ||
		!strings.Contains(crowded.Message, "limits.memory 3Gi, the tier allows 2Gi; pods 3, the tier allows 2; requests.cpu 9, the tier allows 6") ||
		!strings.Contains(crowded.Message, "cannot roll out, scale up or replace a pod") || !strings.Contains(crowded.Fix, "kubectl label namespace crowded pave.dev/tier=<tier> --overwrite") {
		t.Errorf("crowded: %+v", crowded)
	}
	if many.Subject != "Namespace many (tier roomy)" || many.Severity != "medium" ||
		!strings.Contains(many.Message, "count/deployments.apps 3, the tier allows 2; count/ingresses.networking.k8s.io 2, the tier allows 1; count/poddisruptionbudgets.policy 1, the tier allows 0") || strings.Contains(many.Message, "roll out") {
		t.Errorf("many: %+v", many)
	}
}

// A namespace labelled with a tier the policy does not name gets the default
// tier without a word: preflight names it, with the tiers there are, and
// what it gets instead. Unlabelled namespaces and ungoverned ones are not
// named.
func TestNamesNamespacesOfAnUnknownTier(t *testing.T) {
	for _, tc := range []struct{ defaultTier, gets string }{
		{"small", `the default tier "small"`},
		{"none", "no tier, and no quota"},
	} {
		t.Run(tc.defaultTier, func(t *testing.T) {
			p, _, err := policy.Load("policy.yaml", []byte(`apiVersion: pave.dev/v1alpha1
kind: PlatformPolicy
metadata: {name: default}
spec:
  tiers:
    defaultTier: `+tc.defaultTier+`
    tiers:
    - {name: small, quota: {pods: "10"}}
    - {name: large, quota: {pods: "100"}}
`))
			if err != nil {
				t.Fatal(err)
			}
			c := preflight.Cluster{Install: v1alpha1.Install{PaveNamespace: "pave-system", Excluded: []string{"batch"}},
				Namespaces: map[string]map[string]string{
					"typo": {"pave.dev/tier": "lage"}, "none": {"pave.dev/tier": "none"}, "known": {"pave.dev/tier": "large"},
					"plain": {}, "batch": {"pave.dev/tier": "lage"}}}
			found, err := preflight.Run(context.Background(), p, c)
			if err != nil {
				t.Fatal(err)
			}
			got := ofCheck(found, "tier-unknown")
			if len(got) != 2 || got[0].Subject != "Namespace none" || got[1].Subject != "Namespace typo" {
				t.Fatalf("findings %+v, want namespaces none and typo", got)
			}
			typo := got[1]
			if typo.Severity != "medium" || !strings.Contains(typo.Message, "pave.dev/tier=lage names no tier of the policy (small, large), so it gets "+tc.gets) ||
				!strings.Contains(typo.Fix, `kubectl label namespace typo pave.dev/tier=<tier> --overwrite), or add tier "lage"`) {
				t.Errorf("finding %+v", typo)
			}
		})
	}
}
