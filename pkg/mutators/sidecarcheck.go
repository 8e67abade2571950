package mutators

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// SidecarMismatch says how the pod's sidecar differs from what pave injects
// from the policy's template, or "" when it is the real one. It compares what makes the proxy
// the proxy (image, command, arguments, environment, mounts and the volumes
// behind them, ports, native-sidecar restart policy), not what later mutators
// add (resources, hardening), so that an init container named like the
// sidecar, with the status annotation copied from another pod, is not taken
// for it.
func SidecarMismatch(w *workload.Workload, p *policy.Policy) string {
	s := preparedFor(p)
	want := s.container
	i := containerIndex(w.PodSpec.InitContainers, want.Name)
	if i < 0 {
		return fmt.Sprintf("the pod has no %s sidecar", want.Name)
	}
	have := defaulted(&w.PodSpec.InitContainers[i])
	var buf []byte
	e := &s.encoded
	switch {
	case have.Image != want.Image:
		return fmt.Sprintf("the %s sidecar runs image %q, not the mesh proxy %q", want.Name, have.Image, want.Image)
	case have.RestartPolicy == nil || *have.RestartPolicy != corev1.ContainerRestartPolicyAlways:
		return fmt.Sprintf("the %s sidecar is not a native sidecar (restartPolicy: Always)", want.Name)
	case !slices.Equal(have.Command, want.Command) || !slices.Equal(have.Args, want.Args):
		return fmt.Sprintf("the %s sidecar's command or args differ from the mesh proxy's", want.Name)
	case !sameParts(proxyEnv(w, have.Env), want.Env, e.env, &buf) || !sameParts(have.EnvFrom, want.EnvFrom, e.envFrom, &buf):
		return fmt.Sprintf("the %s sidecar's environment differs from the mesh proxy's", want.Name)
	case !sameParts(proxyMounts(w, have.VolumeMounts, len(want.VolumeMounts)), want.VolumeMounts, e.mounts, &buf) || !sameParts(have.Ports, want.Ports, e.ports, &buf):
		return fmt.Sprintf("the %s sidecar's mounts or ports differ from the mesh proxy's", want.Name)
	}
	for k := range s.volumes {
		v := &s.volumes[k]
		hv := volumeNamed(w.PodSpec.Volumes, v.Name)
		if hv == nil || !sameVolume(defaultedVolume(hv), &v.VolumeSource, e.volumes[k], &buf) {
			return fmt.Sprintf("the pod's volume %q is not the one the mesh proxy mounts", v.Name)
		}
	}
	return ""
}

// proxyEnv is the environment of a pod's proxy as the template has it: a
// Pod's without what wireIstio adds for that Pod (its probes and metrics
// endpoint, which only Istio's agent reads). A pod template's is all of it.
func proxyEnv(w *workload.Workload, env []corev1.EnvVar) []corev1.EnvVar {
	if w.Kind != "Pod" || !slices.ContainsFunc(env, PodWiring) {
		return env
	}
	// wireIstio appends them: the rest is a prefix, kept without a copy.
	n := len(env)
	for n > 0 && PodWiring(env[n-1]) {
		n--
	}
	if !slices.ContainsFunc(env[:n], PodWiring) {
		return env[:n]
	}
	return slices.DeleteFunc(slices.Clone(env), PodWiring)
}

// proxyMounts is the mounts of a pod's proxy as the template has them (of
// which there are want): a Pod's without the API token mount that the API
// server's ServiceAccount admission plugin appends to every container of a
// Pod that keeps its service account's token (automountServiceAccountToken:
// true, which pave warns of but admits), the proxy included, as on every
// Istio proxy. Only that mount: read-only, at the token's path, of the
// plugin's token volume, after the template's own. A pod template's are all
// of them: the plugin mounts Pods only.
func proxyMounts(w *workload.Workload, mounts []corev1.VolumeMount, want int) []corev1.VolumeMount {
	if w.Kind != "Pod" || len(mounts) != want+1 {
		return mounts
	}
	m := &mounts[want]
	if !reflect.DeepEqual(m, &corev1.VolumeMount{Name: m.Name, ReadOnly: true, MountPath: apiTokenMountPath}) {
		return mounts
	}
	if v := volumeNamed(w.PodSpec.Volumes, m.Name); v == nil || !automaticToken(*v) {
		return mounts
	}
	return mounts[:want]
}

// PodWiring reports whether e is one of the variables pave adds to a Pod's
// proxy for Istio's agent (wireIstio): the Pod's probes, its metrics
// endpoint.
func PodWiring(e corev1.EnvVar) bool {
	return (e.Name == envAppProbers || e.Name == envPrometheus) && e.ValueFrom == nil
}

// preparedSidecar is the policy's sidecar template with the API server's
// defaults filled in, made once per policy.
type preparedSidecar struct {
	container corev1.Container
	volumes   []corev1.Volume
	encoded   encodedSidecar
	// istioStatus is the sidecar.istio.io/status a Pod with this proxy
	// carries, as Istio's injector writes it.
	istioStatus string
}

// preparedFor is p's prepared sidecar, made once per policy.
func preparedFor(p *policy.Policy) preparedSidecar {
	return p.Derived("mutators.sidecar", func() any { return prepare(p.Spec.Mesh.Sidecar) }).(preparedSidecar)
}

func prepare(t v1alpha1.SidecarTemplate) preparedSidecar {
	s := preparedSidecar{}
	if t.Container != nil {
		s.container = *defaulted(t.Container.DeepCopy())
	}
	for _, v := range t.Volumes {
		s.volumes = append(s.volumes, corev1.Volume{Name: v.Name, VolumeSource: *defaultedVolume(v.DeepCopy())})
	}
	s.encoded = encodeSidecar(&s.container, s.volumes)
	status := struct {
		InitContainers   []string `json:"initContainers"`
		Containers       []string `json:"containers"`
		Volumes          []string `json:"volumes"`
		ImagePullSecrets []string `json:"imagePullSecrets"`
		Revision         string   `json:"revision"`
	}{InitContainers: []string{s.container.Name}, Revision: "default"}
	for _, v := range s.volumes {
		status.Volumes = append(status.Volumes, v.Name)
	}
	b, _ := json.Marshal(status) // strings only: always encodes
	s.istioStatus = string(b)
	return s
}

// same compares what a and b point to: reflect.DeepEqual first, which settles
// the usual case (equal) several times faster; the semantic comparison (nil
// and empty alike, quantities by value) decides the rest. Pointers, because
// boxing a struct as large as a VolumeSource copies it.
func same[T any](a, b *T) bool {
	return reflect.DeepEqual(a, b) || equality.Semantic.DeepEqual(a, b)
}

// containerIndex is the index of the container of that name, or -1. By index,
// not slices.IndexFunc: that copies each container to look at its name.
func containerIndex(cs []corev1.Container, name string) int {
	for i := range cs {
		if cs[i].Name == name {
			return i
		}
	}
	return -1
}

// volumeNamed is the volume of that name, or nil.
func volumeNamed(vs []corev1.Volume, name string) *corev1.Volume {
	for i := range vs {
		if vs[i].Name == name {
			return &vs[i]
		}
	}
	return nil
}

// defaulted returns c with the API server's defaults filled in where the
// proxy template may leave them out, so that the stored pod (which the
// validating webhook sees) compares equal to the template. c itself is
// returned unless it lacks one; then a copy: the stored sidecar has them all,
// and copying it on every validation was a tenth of the mesh's check.
func defaulted(c *corev1.Container) *corev1.Container {
	if !fillContainerDefaults(c, false) {
		return c
	}
	c = c.DeepCopy()
	fillContainerDefaults(c, true)
	return c
}

// fillContainerDefaults reports whether c lacks a default; with fill, it
// sets them.
func fillContainerDefaults(c *corev1.Container, fill bool) (lacked bool) {
	for i := range c.Env {
		if f := fieldRef(c.Env[i].ValueFrom); f != nil && f.APIVersion == "" {
			lacked = true
			if fill {
				f.APIVersion = "v1"
			}
		}
	}
	for i := range c.Ports {
		if c.Ports[i].Protocol == "" {
			lacked = true
			if fill {
				c.Ports[i].Protocol = corev1.ProtocolTCP
			}
		}
	}
	return lacked
}

func fieldRef(v *corev1.EnvVarSource) *corev1.ObjectFieldSelector {
	if v == nil {
		return nil
	}
	return v.FieldRef
}

// defaultedVolume is defaulted for a volume's source.
func defaultedVolume(v *corev1.Volume) *corev1.VolumeSource {
	if !fillVolumeDefaults(&v.VolumeSource, false) {
		return &v.VolumeSource
	}
	s := v.VolumeSource.DeepCopy()
	fillVolumeDefaults(s, true)
	return s
}

// fillVolumeDefaults is fillContainerDefaults for a volume's source.
func fillVolumeDefaults(s *corev1.VolumeSource, fill bool) (lacked bool) {
	mode := func(m **int32) {
		if *m == nil {
			lacked = true
			if fill {
				d := corev1.ConfigMapVolumeSourceDefaultMode
				*m = &d
			}
		}
	}
	items := func(items []corev1.DownwardAPIVolumeFile) {
		for i := range items {
			if f := items[i].FieldRef; f != nil && f.APIVersion == "" {
				lacked = true
				if fill {
					f.APIVersion = "v1"
				}
			}
		}
	}
	switch {
	case s.ConfigMap != nil:
		mode(&s.ConfigMap.DefaultMode)
	case s.Secret != nil:
		mode(&s.Secret.DefaultMode)
	case s.DownwardAPI != nil:
		mode(&s.DownwardAPI.DefaultMode)
		items(s.DownwardAPI.Items)
	case s.Projected != nil:
		mode(&s.Projected.DefaultMode)
		for _, src := range s.Projected.Sources {
			if t := src.ServiceAccountToken; t != nil && t.ExpirationSeconds == nil {
				lacked = true
				if fill {
					d := int64(3600)
					t.ExpirationSeconds = &d
				}
			}
			if src.DownwardAPI != nil {
				items(src.DownwardAPI.Items)
			}
		}
	}
	return lacked
}
