// Package workload gives one view of every object that carries a pod template,
// so mutators and validators never switch on kind themselves.
package workload

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/pave-dev/pave/internal/jsondecode"
)

// Workload is a typed object with pointers into its pod template.
type Workload struct {
	// Object is the typed object (*appsv1.Deployment, *corev1.Pod, ...); the
	// pointers below point into it, so changing them changes Object.
	Object runtime.Object
	// Kind is the object's kind, e.g. Deployment.
	Kind string
	// Meta is the object's own metadata.
	Meta *metav1.ObjectMeta
	// PodMeta is the pod template's metadata (the pod's own for a Pod).
	PodMeta *metav1.ObjectMeta
	// PodSpec is the pod template's spec (the pod's own for a Pod).
	PodSpec *corev1.PodSpec
	// PodMetaPath and PodSpecPath are the field paths of PodMeta and PodSpec,
	// e.g. spec.template.metadata, for violations.
	PodMetaPath, PodSpecPath string
}

// newObject returns an empty typed object for a workload kind, or nil.
func newObject(apiVersion, kind string) runtime.Object {
	switch apiVersion + "/" + kind {
	case "apps/v1/Deployment":
		return &appsv1.Deployment{}
	case "apps/v1/StatefulSet":
		return &appsv1.StatefulSet{}
	case "apps/v1/DaemonSet":
		return &appsv1.DaemonSet{}
	case "apps/v1/ReplicaSet":
		return &appsv1.ReplicaSet{}
	case "batch/v1/Job":
		return &batchv1.Job{}
	case "batch/v1/CronJob":
		return &batchv1.CronJob{}
	case "v1/Pod":
		return &corev1.Pod{}
	case "v1/ReplicationController":
		return &corev1.ReplicationController{}
	}
	return nil
}

// Supported reports whether apiVersion/kind is a workload pave handles.
func Supported(apiVersion, kind string) bool { return newObject(apiVersion, kind) != nil }

// FromJSON decodes a workload. It returns (nil, nil) for kinds that carry no
// pod template, which pave leaves alone, and an *OversizedError, before
// decoding, for a large object with more than MaxContainers containers.
func FromJSON(apiVersion, kind string, data []byte) (*Workload, error) {
	return (*Decoder)(nil).FromJSON(apiVersion, kind, data)
}

// FromJSON is the package's FromJSON, remembering containers and volumes; a
// nil Decoder remembers nothing.
func (d *Decoder) FromJSON(apiVersion, kind string, data []byte) (*Workload, error) {
	w, _, err := d.fromJSON(apiVersion, kind, data, false)
	return w, err
}

// FromJSONKnown is FromJSON that also names the fields of data the kind's
// Go type lacks (jsondecode.UnmarshalKnown), which kubectl's strict field
// validation refuses: pave check reports them. Admission needs no such
// report: the API server sends what it decoded.
func FromJSONKnown(apiVersion, kind string, data []byte) (w *Workload, unknown []string, err error) {
	return (*Decoder)(nil).fromJSON(apiVersion, kind, data, true)
}

func (d *Decoder) fromJSON(apiVersion, kind string, data []byte, known bool) (*Workload, []string, error) {
	obj := newObject(apiVersion, kind)
	if obj == nil {
		return nil, nil, nil
	}
	if len(data) > prescanBytes {
		if n, ok := countContainers(kind, data); ok && n > MaxContainers {
			return nil, nil, &OversizedError{Kind: kind, Containers: n}
		}
	}
	var unknown []string
	var err error
	if known {
		unknown, err = jsondecode.UnmarshalKnown(data, obj)
	} else {
		err = d.json().Unmarshal(data, obj)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("decode %s: %w", kind, err)
	}
	w, err := New(obj)
	return w, unknown, err
}

// New builds the view over a typed object.
func New(obj runtime.Object) (*Workload, error) {
	w := &Workload{Object: obj}
	switch o := obj.(type) {
	case *appsv1.Deployment:
		w.set("Deployment", &o.ObjectMeta, &o.Spec.Template)
	case *appsv1.StatefulSet:
		w.set("StatefulSet", &o.ObjectMeta, &o.Spec.Template)
	case *appsv1.DaemonSet:
		w.set("DaemonSet", &o.ObjectMeta, &o.Spec.Template)
	case *appsv1.ReplicaSet:
		w.set("ReplicaSet", &o.ObjectMeta, &o.Spec.Template)
	case *batchv1.Job:
		w.set("Job", &o.ObjectMeta, &o.Spec.Template)
	case *batchv1.CronJob:
		w.set("CronJob", &o.ObjectMeta, &o.Spec.JobTemplate.Spec.Template)
	case *corev1.ReplicationController:
		if o.Spec.Template == nil { // invalid, but the API server says so, not a panic here
			o.Spec.Template = &corev1.PodTemplateSpec{}
		}
		w.set("ReplicationController", &o.ObjectMeta, o.Spec.Template)
	case *corev1.Pod:
		w.Kind, w.Meta, w.PodMeta, w.PodSpec = "Pod", &o.ObjectMeta, &o.ObjectMeta, &o.Spec
		w.PodMetaPath, w.PodSpecPath = "metadata", PodSpecPath("Pod")
	default:
		return nil, fmt.Errorf("%T is not a workload pave handles", obj)
	}
	return w, nil
}

func (w *Workload) set(kind string, meta *metav1.ObjectMeta, t *corev1.PodTemplateSpec) {
	w.Kind, w.Meta, w.PodMeta, w.PodSpec = kind, meta, &t.ObjectMeta, &t.Spec
	w.PodSpecPath = PodSpecPath(kind)
	w.PodMetaPath = strings.TrimSuffix(w.PodSpecPath, "spec") + "metadata"
}

// PodSpecPath is the field path of a kind's pod spec, e.g. spec.template.spec.
func PodSpecPath(kind string) string {
	switch kind {
	case "Pod":
		return "spec"
	case "CronJob":
		return "spec.jobTemplate.spec.template.spec"
	}
	return "spec.template.spec"
}

// DeepCopy copies the object and rebuilds the view over the copy.
func (w *Workload) DeepCopy() *Workload {
	c, err := New(w.Object.DeepCopyObject())
	if err != nil {
		panic(err) // unreachable: the copy has the same type as a valid original
	}
	return c
}

// JSON encodes the typed object.
func (w *Workload) JSON() ([]byte, error) { return json.Marshal(w.Object) }

// Name returns the object's name, or its generateName for a pod not yet named.
func (w *Workload) Name() string {
	if w.Meta.Name != "" {
		return w.Meta.Name
	}
	return w.Meta.GenerateName
}

// RunsToCompletion reports whether the pods are meant to exit (Jobs, CronJobs and
// pods they own), where readiness probes make no sense.
func (w *Workload) RunsToCompletion() bool {
	switch w.Kind {
	case "Job", "CronJob":
		return true
	case "Pod":
		if w.PodSpec.RestartPolicy == corev1.RestartPolicyNever || w.PodSpec.RestartPolicy == corev1.RestartPolicyOnFailure {
			return true
		}
		for _, o := range w.Meta.OwnerReferences {
			if o.Kind == "Job" {
				return true
			}
		}
	}
	return false
}

// Containers calls fn for every init, app and ephemeral (debug) container.
// Pointers let fn change the container in place; at names where it is, for
// violations, and whether it is ephemeral (such containers take no resources,
// ports or probes).
func (w *Workload) Containers(fn func(c *corev1.Container, at Ref)) {
	for i := range w.PodSpec.InitContainers {
		fn(&w.PodSpec.InitContainers[i], Ref{w.PodSpecPath, "initContainers", i})
	}
	for i := range w.PodSpec.Containers {
		fn(&w.PodSpec.Containers[i], Ref{w.PodSpecPath, "containers", i})
	}
	for i := range w.PodSpec.EphemeralContainers {
		// EphemeralContainerCommon has exactly Container's fields, so the
		// conversion is a copy; fn's changes are copied back.
		e := &w.PodSpec.EphemeralContainers[i]
		c := corev1.Container(e.EphemeralContainerCommon)
		fn(&c, Ref{w.PodSpecPath, ephemeralList, i})
		e.EphemeralContainerCommon = corev1.EphemeralContainerCommon(c)
	}
}

const ephemeralList = "ephemeralContainers"

// ContainerPaths are the paths of a field of every container Containers
// visits, for a mutator's scope (engine.Scoped): "pod." is the pod
// template, "*" any element.
func ContainerPaths(field string) []string {
	return []string{"pod.spec.initContainers.*." + field, "pod.spec.containers.*." + field, "pod.spec." + ephemeralList + ".*." + field}
}

// Ref locates a container. Its path is built only when asked for: most
// containers are compliant, and formatting every path showed in profiles.
type Ref struct {
	podSpec, list string
	index         int
}

// Ephemeral reports whether the container is an ephemeral (debug) container.
func (r Ref) Ephemeral() bool { return r.list == ephemeralList }

// Init reports whether the container is an init container (a native
// sidecar among them).
func (r Ref) Init() bool { return r.list == "initContainers" }

// Path is the container's field path, e.g. spec.template.spec.containers[0].
func (r Ref) Path() string {
	return r.podSpec + "." + r.list + "[" + strconv.Itoa(r.index) + "]"
}

// Field is the path of a field of the container, e.g. Field("image").
func (r Ref) Field(name string) string { return r.Path() + "." + name }

// Kind is a kind pave governs and the resource the API server serves it as.
type Kind struct{ Group, Version, Kind, Resource string }

// Kinds lists every kind that carries a pod template, which pave completes
// and judges. The webhook configurations and RBAC are held to this list by
// tests.
func Kinds() []Kind {
	return []Kind{
		{"", "v1", "Pod", "pods"},
		{"", "v1", "ReplicationController", "replicationcontrollers"},
		{"apps", "v1", "Deployment", "deployments"},
		{"apps", "v1", "StatefulSet", "statefulsets"},
		{"apps", "v1", "DaemonSet", "daemonsets"},
		{"apps", "v1", "ReplicaSet", "replicasets"},
		{"batch", "v1", "Job", "jobs"},
		{"batch", "v1", "CronJob", "cronjobs"},
	}
}
