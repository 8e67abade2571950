package engine

import (
	"context"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// checkProxy refuses, in istio mode, a policy whose own rules deny the proxy
// it injects (a template that adds NET_ADMIN, runs as root, mounts a
// hostPath): pave would put it into every meshed workload and then deny each
// one for a container no team wrote, with a fix no team can make. The proxy
// is judged as the pipeline leaves it, in a Deployment's template and in a
// Pod, where it is wired into Istio; only findings on the proxy and its
// volumes count, and only those that deny under the policy's rule modes.
func checkProxy(e *Engine) error {
	spec := e.policy.Spec.Mesh
	if spec.Mode != v1alpha1.MeshIstio || spec.Sidecar.Container == nil {
		return nil
	}
	var found []string
	seen := map[string]bool{}
	for _, obj := range proxyProbes() {
		w, err := workload.New(obj)
		if err != nil {
			return fmt.Errorf("proxy check: %w", err)
		}
		res, err := e.Mutate(context.Background(), w, policy.Env{Namespace: policy.Namespace{Name: proxyProbeName}})
		if err != nil {
			return fmt.Errorf("proxy check: %w", err)
		}
		vs, _, err := e.Validate(context.Background(), res.Mutated, policy.Env{Namespace: policy.Namespace{Name: proxyProbeName}})
		if err != nil {
			return fmt.Errorf("proxy check: %w", err)
		}
		for _, v := range vs {
			field, ok := proxyField(res.Mutated, spec.Sidecar, v.Field)
			if !ok || !v.Denies() {
				continue
			}
			s := fmt.Sprintf("[%s] %s: %s", v.Rule, field, v.Message)
			if !seen[s] {
				seen[s] = true
				found = append(found, s)
			}
		}
	}
	if len(found) == 0 {
		return nil
	}
	return fmt.Errorf("spec.mesh.sidecar: the policy's own rules would deny every meshed workload for the proxy pave injects: %s. Change the proxy template, or set those rules to warn in spec.rules",
		strings.Join(found, "; "))
}

// proxyProbeName names the probe workloads and their namespace.
const proxyProbeName = "pave-proxy-check"

// proxyProbes are the workloads the proxy is judged in: a Deployment, whose
// template a team sees denied first, and a Pod.
func proxyProbes() []runtime.Object {
	meta := metav1.ObjectMeta{Name: proxyProbeName, Namespace: proxyProbeName, Labels: map[string]string{"app": proxyProbeName}}
	pod := corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.invalid/app:1"}}}
	return []runtime.Object{
		&appsv1.Deployment{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"}, ObjectMeta: meta,
			Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: meta.Labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: meta.Labels}, Spec: pod}}},
		&corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}, ObjectMeta: meta, Spec: *pod.DeepCopy()},
	}
}

// proxyField names a finding's field in the policy's terms when it is on the
// proxy or one of its volumes: spec.mesh.sidecar.container… or
// spec.mesh.sidecar.volumes[i]….
func proxyField(w *workload.Workload, tmpl v1alpha1.SidecarTemplate, field string) (string, bool) {
	for i, c := range w.PodSpec.InitContainers {
		if c.Name == tmpl.Container.Name {
			if rest, ok := under(field, fmt.Sprintf("%s.initContainers[%d]", w.PodSpecPath, i)); ok {
				return "spec.mesh.sidecar.container" + rest, true
			}
		}
	}
	for i, v := range w.PodSpec.Volumes {
		for k, t := range tmpl.Volumes {
			if v.Name != t.Name {
				continue
			}
			if rest, ok := under(field, fmt.Sprintf("%s.volumes[%d]", w.PodSpecPath, i)); ok {
				return fmt.Sprintf("spec.mesh.sidecar.volumes[%d]%s", k, rest), true
			}
		}
	}
	return "", false
}

// under reports whether field is prefix or a field inside it, and what
// follows the prefix.
func under(field, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(field, prefix)
	if !ok || rest != "" && rest[0] != '.' {
		return "", false
	}
	return rest, true
}
