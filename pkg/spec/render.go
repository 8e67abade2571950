package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// Render turns a service into a plain Deployment (a StatefulSet when it keeps
// volumes) and, when it has a port, a
// Service. The output is deliberately plain: everything the platform adds comes
// from the mutating webhook, so a hand-written Deployment gets the same.
func Render(s Service) (runtime.Object, *corev1.Service) {
	labels := map[string]string{v1alpha1.LabelName: s.Name}
	for k, v := range map[string]string{v1alpha1.LabelTeam: s.Team, v1alpha1.LabelZone: s.Zone, v1alpha1.LabelCostCenter: s.CostCenter} {
		if v != "" {
			labels[k] = v
		}
	}
	selector := map[string]string{v1alpha1.LabelName: s.Name}
	meta := metav1.ObjectMeta{Name: s.Name, Namespace: s.Namespace, Labels: labels}

	c := corev1.Container{Name: s.Name, Image: s.Image, Env: envVars(s.Env), Resources: resources(s)}
	volumes, mounts := secretFiles(s.Env)
	c.VolumeMounts = mounts
	if s.Port != 0 {
		c.Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: s.Port, Protocol: corev1.ProtocolTCP}}
	}
	if s.Probe != nil {
		c.ReadinessProbe = &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: s.Probe.Path, Port: intstr.FromString("http")}},
			PeriodSeconds: s.Probe.PeriodSeconds,
		}
	}
	replicas := s.Replicas
	d := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: meta,
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: selector},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: maps.Clone(labels)},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{c}, Volumes: volumes},
			},
		},
	}
	var w runtime.Object = d
	if len(s.Volumes) > 0 {
		w = statefulSet(d, s)
	}
	var svc *corev1.Service
	if s.Port != 0 {
		svc = &corev1.Service{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
			ObjectMeta: meta,
			Spec: corev1.ServiceSpec{
				Selector: selector,
				Ports:    []corev1.ServicePort{{Name: "http", Port: s.Port, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP}},
			},
		}
	}
	observe(s, w.(metav1.Object), podTemplate(w), svc)
	return w, svc
}

func envVars(env []Env) []corev1.EnvVar {
	var out []corev1.EnvVar
	for _, e := range env {
		v := corev1.EnvVar{Name: e.Name, Value: e.Value}
		if e.Secret != "" {
			v.ValueFrom = &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: e.Secret}, Key: e.Key}}
		}
		out = append(out, v)
	}
	return out
}

// SecretFilesDir is where the rendered service reads its Secrets as files.
const SecretFilesDir = "/var/run/secrets/pave"

// secretFiles mounts every Secret the env reads, whole and read-only, at
// SecretFilesDir/<secret>/<key>: the kubelet refreshes such a mount when the
// Secret changes (a subPath mount it never refreshes), so an app that reads
// the file sees a rotated value without a restart, while the env variable
// keeps working for apps that read only their environment (see docs/data.md).
func secretFiles(env []Env) ([]corev1.Volume, []corev1.VolumeMount) {
	var vols []corev1.Volume
	var mounts []corev1.VolumeMount
	for _, e := range env {
		name := volumeName(e.Secret)
		if e.Secret == "" || slices.ContainsFunc(vols, func(v corev1.Volume) bool { return v.Name == name }) {
			continue
		}
		vols = append(vols, corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: e.Secret}}})
		mounts = append(mounts, corev1.VolumeMount{Name: name, MountPath: SecretFilesDir + "/" + e.Secret, ReadOnly: true})
	}
	return vols, mounts
}

// volumeName is secret-<secret>, cut to a volume name's 63 characters.
func volumeName(secret string) string {
	name := "secret-" + secret
	if len(name) > 63 {
		name = strings.TrimRight(name[:63], "-.")
	}
	return name
}

// resources asks for what the team wrote; memory is also the limit, because a
// container that outgrows its request would be the first one evicted anyway.
func resources(s Service) corev1.ResourceRequirements {
	var r corev1.ResourceRequirements
	if s.CPU != nil || s.Memory != nil {
		r.Requests = corev1.ResourceList{}
	}
	if s.CPU != nil {
		r.Requests[corev1.ResourceCPU] = *s.CPU
	}
	if s.Memory != nil {
		r.Requests[corev1.ResourceMemory] = *s.Memory
		r.Limits = corev1.ResourceList{corev1.ResourceMemory: *s.Memory}
	}
	return r
}

// RenderFile renders every service of a file as one multi-document YAML stream,
// in service-name order.
func RenderFile(f *File) ([]byte, error) {
	var buf bytes.Buffer
	for _, s := range f.Services {
		d, svc := Render(s)
		objs := []any{d}
		if svc != nil {
			objs = append(objs, svc)
		}
		for _, obj := range objs {
			y, err := CleanYAML(obj)
			if err != nil {
				return nil, fmt.Errorf("render %s: %w", s.Name, err)
			}
			buf.WriteString("---\n")
			buf.Write(y)
		}
	}
	return buf.Bytes(), nil
}

// CleanYAML encodes a typed object as YAML without the empty status and the null
// creationTimestamps that Go's zero values produce.
func CleanYAML(obj any) ([]byte, error) {
	js, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, err
	}
	prune(m)
	return yaml.Marshal(m)
}

// prune drops what Go's zero values add and a person would not write: null
// creationTimestamps, and status or strategy maps with nothing in them. Other
// empty maps stay, since some mean something (emptyDir: {}).
func prune(m map[string]any) {
	for k, v := range m {
		switch t := v.(type) {
		case nil:
			if k == "creationTimestamp" {
				delete(m, k)
			}
		case map[string]any:
			prune(t)
			if (k == "status" || k == "strategy") && onlyEmpty(t) {
				delete(m, k)
			}
		case []any:
			for _, e := range t {
				if em, ok := e.(map[string]any); ok {
					prune(em)
				}
			}
		}
	}
}

// onlyEmpty reports whether a map holds nothing but empty maps.
func onlyEmpty(m map[string]any) bool {
	for _, v := range m {
		sub, ok := v.(map[string]any)
		if !ok || !onlyEmpty(sub) {
			return false
		}
	}
	return true
}
