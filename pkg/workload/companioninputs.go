package workload

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// CompanionInputs cuts w, in place, to what pave's controller reads of a
// workload it caches: what the companion generators and the canary steps
// read, and nothing a team could grow without bound beside it.
//
//   - The object keeps its identity, version, labels and, of its
//     annotations, those pave reads (ReadAnnotation); not its owner
//     references, finalizers or managed fields.
//   - The pod template keeps its labels and those annotations; of its
//     containers their names, images, ports and restart policies and the
//     Secrets they read; of its volumes the Secrets and CSI drivers they
//     mount; and whether the pod runs on the host's network and on which OS.
//   - A StatefulSet's claim templates go.
//
// The rest of the spec (a Deployment's replicas and selector) and the
// status are kept as they are. A workload may carry a quarter megabyte of
// annotations and a template of up to the API server's 1.5 MB: commands,
// environment, probes, the injected proxy's settings, which nothing of the
// controller reads; cached whole, 10,000 workloads were most of its memory.
// A generator that reads more of a workload must keep it here:
// TestCompanionInputsAreEnough (package engine) generates every golden
// input's companions from this cut and from the whole.
func CompanionInputs(w *Workload) {
	m := *w.Meta
	*w.Meta = metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace, UID: m.UID, ResourceVersion: m.ResourceVersion,
		Generation: m.Generation, CreationTimestamp: m.CreationTimestamp, DeletionTimestamp: m.DeletionTimestamp,
		Labels: m.Labels, Annotations: readAnnotations(m.Annotations)}
	if w.PodMeta != w.Meta {
		*w.PodMeta = metaInputs(*w.PodMeta)
	}
	*w.PodSpec = podInputs(*w.PodSpec)
	if s, ok := w.Object.(*appsv1.StatefulSet); ok {
		s.Spec.VolumeClaimTemplates = nil
	}
}

// ReadAnnotation reports whether pave's controller reads an annotation of
// a workload or its pod template: pave's own switches, Istio's and Vault's
// that say who meshes or delivers, and the scrape path.
func ReadAnnotation(key string) bool {
	switch key {
	case v1alpha1.AnnotationInject, v1alpha1.AnnotationSidecarStatus,
		v1alpha1.AnnotationTimeout, v1alpha1.AnnotationRetries, v1alpha1.AnnotationPerTryTimeout,
		v1alpha1.AnnotationCanaryOf, v1alpha1.AnnotationCanaryWeight, v1alpha1.AnnotationCanarySteps,
		v1alpha1.AnnotationCanaryInterval, v1alpha1.AnnotationCanaryHeader, v1alpha1.AnnotationCanaryStatus,
		v1alpha1.AnnotationSLOAvailability, v1alpha1.AnnotationSLOLatency, v1alpha1.AnnotationSLOPercentile, v1alpha1.AnnotationSLOWindow,
		v1alpha1.AnnotationScrapePath,
		v1alpha1.LabelIstioInject, v1alpha1.AnnotationIstioTemplates, v1alpha1.AnnotationIstioStatus,
		v1alpha1.AnnotationIstioRewriteProbes, v1alpha1.AnnotationIstioMergeMetrics,
		v1alpha1.AnnotationVaultAgentInject:
		return true
	}
	return false
}

func readAnnotations(in map[string]string) map[string]string {
	var out map[string]string
	for k, v := range in {
		if ReadAnnotation(k) {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

func metaInputs(m metav1.ObjectMeta) metav1.ObjectMeta {
	return metav1.ObjectMeta{Labels: m.Labels, Annotations: readAnnotations(m.Annotations)}
}

func podInputs(s corev1.PodSpec) corev1.PodSpec {
	out := corev1.PodSpec{HostNetwork: s.HostNetwork, OS: s.OS, RestartPolicy: s.RestartPolicy,
		InitContainers: containerInputs(s.InitContainers), Containers: containerInputs(s.Containers)}
	for _, v := range s.Volumes {
		kept := corev1.Volume{Name: v.Name}
		switch {
		case v.Secret != nil:
			kept.Secret = &corev1.SecretVolumeSource{SecretName: v.Secret.SecretName}
		case v.CSI != nil:
			kept.CSI = &corev1.CSIVolumeSource{Driver: v.CSI.Driver}
		case v.Projected != nil:
			var sources []corev1.VolumeProjection
			for _, p := range v.Projected.Sources {
				if p.Secret != nil {
					sources = append(sources, corev1.VolumeProjection{Secret: &corev1.SecretProjection{LocalObjectReference: p.Secret.LocalObjectReference}})
				}
			}
			if sources == nil {
				continue
			}
			kept.Projected = &corev1.ProjectedVolumeSource{Sources: sources}
		default:
			continue
		}
		out.Volumes = append(out.Volumes, kept)
	}
	return out
}

func containerInputs(in []corev1.Container) []corev1.Container {
	if in == nil {
		return nil
	}
	out := make([]corev1.Container, len(in))
	for i, c := range in {
		out[i] = corev1.Container{Name: c.Name, Image: c.Image, Ports: c.Ports, RestartPolicy: c.RestartPolicy}
		for _, e := range c.Env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				out[i].Env = append(out[i].Env, corev1.EnvVar{Name: e.Name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: e.ValueFrom.SecretKeyRef}})
			}
		}
		for _, e := range c.EnvFrom {
			if e.SecretRef != nil {
				out[i].EnvFrom = append(out[i].EnvFrom, corev1.EnvFromSource{SecretRef: e.SecretRef})
			}
		}
	}
	return out
}
