// Package secrets delivers the Secrets workloads reference from the org's
// secret store: one ExternalSecret (External Secrets Operator) per
// referenced Secret, kept in sync so a rotation in the store reaches the
// cluster within the policy's refresh interval (see docs/data.md).
package secrets

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/workload"
)

// Referenced lists the Secrets a workload's pods read — env secretKeyRef,
// envFrom secretRef, secret and projected volumes — sorted. Image pull
// secrets are the platform's, not the workload's, and are left out.
func Referenced(w *workload.Workload) []string {
	var out []string
	add := func(name string) {
		if name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	w.Containers(func(c *corev1.Container, _ workload.Ref) {
		for _, e := range c.Env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				add(e.ValueFrom.SecretKeyRef.Name)
			}
		}
		for _, e := range c.EnvFrom {
			if e.SecretRef != nil {
				add(e.SecretRef.Name)
			}
		}
	})
	for _, v := range w.PodSpec.Volumes {
		if v.Secret != nil {
			add(v.Secret.SecretName)
		}
		if v.Projected != nil {
			for _, s := range v.Projected.Sources {
				if s.Secret != nil {
					add(s.Secret.Name)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// OtherDelivery names the secret delivery a workload already uses — the
// Vault Agent injector or the Secrets Store CSI driver — or "": pave leaves
// such workloads to it and never delivers twice.
func OtherDelivery(w *workload.Workload) string {
	if v := w.PodMeta.Annotations[v1alpha1.AnnotationVaultAgentInject]; strings.EqualFold(v, "true") {
		return "the Vault Agent injector (" + v1alpha1.AnnotationVaultAgentInject + ")"
	}
	for _, v := range w.PodSpec.Volumes {
		if v.CSI != nil && v.CSI.Driver == "secrets-store.csi.k8s.io" {
			return "the Secrets Store CSI driver (volume " + v.Name + ")"
		}
	}
	return ""
}
