package mutators

import (
	"context"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// ServiceAccountToken turns off the automatic API token mount for pods that do not
// ask for it: most workloads never call the API server, and a mounted token is a
// credential an attacker can use. A pod that needs it sets
// automountServiceAccountToken: true.
//
// Turning the field off is not enough for a Pod created directly: the API
// server's ServiceAccount admission plugin runs before the webhooks and has
// already mounted the token (a projected volume "kube-api-access-<random>"
// at /var/run/secrets/kubernetes.io/serviceaccount in every container) by
// the time pave sees it. The same volume comes with a Pod copied from
// `kubectl get -o yaml` into a manifest or a template. It is that automatic
// mount, so it goes with the field; a token volume of another name (a
// projected token for another audience) is the workload's own and stays.
type ServiceAccountToken struct{}

// The ServiceAccount admission plugin's names for the automatic token mount
// (k8s.io/kubernetes plugin/pkg/admission/serviceaccount).
const (
	tokenVolumePrefix = "kube-api-access-"
	apiTokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount"
)

// Name implements engine.Mutator.
func (ServiceAccountToken) Name() string { return "service-account-token" }

// Scope implements engine.Scoped: the field, and the automatic mount (the
// plugin mounts it in init and app containers, never ephemeral ones).
func (ServiceAccountToken) Scope() []string {
	return []string{"pod.spec.automountServiceAccountToken", "pod.spec.volumes", "pod.spec.initContainers.*.volumeMounts", "pod.spec.containers.*.volumeMounts"}
}

// Mutate implements engine.Mutator.
func (ServiceAccountToken) Mutate(_ context.Context, w *workload.Workload, env policy.Env) (bool, error) {
	want := env.Policy.Spec.Security.AutomountServiceAccountToken
	if want == nil || *want || w.PodSpec.AutomountServiceAccountToken != nil {
		return false, nil
	}
	off := false
	w.PodSpec.AutomountServiceAccountToken = &off
	unmountToken(w.PodSpec)
	return true, nil
}

// unmountToken removes the automatic token volume and every mount of it (a
// mount of a volume that is gone would make the pod invalid).
func unmountToken(spec *corev1.PodSpec) {
	i := slices.IndexFunc(spec.Volumes, automaticToken)
	if i < 0 {
		return
	}
	name := spec.Volumes[i].Name
	spec.Volumes = slices.Delete(spec.Volumes, i, i+1)
	if len(spec.Volumes) == 0 {
		spec.Volumes = nil // as if never written: no empty list in the patch
	}
	for _, list := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for c := range list {
			mounts := slices.DeleteFunc(list[c].VolumeMounts, func(m corev1.VolumeMount) bool {
				return m.Name == name
			})
			if len(mounts) == 0 {
				mounts = nil
			}
			list[c].VolumeMounts = mounts
		}
	}
}

// automaticToken reports whether v is the ServiceAccount admission plugin's
// token volume: its name, and a projected service account token in it, for
// the API server (a token for another audience is the workload's own).
func automaticToken(v corev1.Volume) bool {
	if !strings.HasPrefix(v.Name, tokenVolumePrefix) || v.Projected == nil {
		return false
	}
	return slices.ContainsFunc(v.Projected.Sources, func(s corev1.VolumeProjection) bool {
		return s.ServiceAccountToken != nil && s.ServiceAccountToken.Audience == ""
	})
}
