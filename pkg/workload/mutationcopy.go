package workload

import (
	"maps"
	"reflect"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// CopyForMutation is a deep copy of w for the mutators to change, except
// for its containers' resource lists (requests and limits), which the copy
// shares with w. The engine takes it when a mutator names no scope; with
// scopes it copies less (engine.copyInScope). With twenty containers the
// whole copy was a sixth of the mutating webhook's handler and those maps,
// a Quantity at a time, three fifths of the copy; most mutations leave
// them as they are. So whoever sets a resource in the copy replaces the
// list first (WritableResources) rather than writing into it; the engine's
// tests hold every mutator to leaving the original as it was. w is only
// read: it may be a cached object others read too.
func (w *Workload) CopyForMutation() *Workload {
	// A shallow copy of the object without its init and app containers
	// (copied one by one below, CopyContainer) and with ephemeral ones
	// without resource lists: the rest of the object is w's, which
	// DeepCopyObject only reads.
	v := reflect.ValueOf(w.Object).Elem()
	bare := reflect.New(v.Type())
	bare.Elem().Set(v)
	obj := bare.Interface().(runtime.Object)
	if rc, ok := obj.(*corev1.ReplicationController); ok && rc.Spec.Template != nil {
		t := *rc.Spec.Template // the one kind whose template is a pointer
		rc.Spec.Template = &t
	}
	b, err := New(obj)
	if err != nil {
		panic(err) // unreachable: the same type as a valid original
	}
	b.PodSpec.InitContainers, b.PodSpec.Containers = nil, nil
	if eph := w.PodSpec.EphemeralContainers; eph != nil {
		b.PodSpec.EphemeralContainers = make([]corev1.EphemeralContainer, len(eph))
		for i := range eph {
			b.PodSpec.EphemeralContainers[i] = eph[i]
			b.PodSpec.EphemeralContainers[i].Resources.Requests = nil
			b.PodSpec.EphemeralContainers[i].Resources.Limits = nil
		}
	}
	c, err := New(obj.DeepCopyObject())
	if err != nil {
		panic(err)
	}
	c.PodSpec.InitContainers = copyContainers(w.PodSpec.InitContainers)
	c.PodSpec.Containers = copyContainers(w.PodSpec.Containers)
	for i := range c.PodSpec.EphemeralContainers {
		r, from := &c.PodSpec.EphemeralContainers[i].Resources, w.PodSpec.EphemeralContainers[i].Resources
		r.Requests, r.Limits = from.Requests, from.Limits
	}
	return c
}

// CopyContainer copies src into dst deeply, as (*corev1.Container).DeepCopyInto
// does, except for its resource lists, which dst shares with src: the same
// contract as CopyForMutation's (whoever sets a resource in dst replaces the
// list first, WritableResources). A map is the costliest part of a
// container to copy, and a container the decoder remembers, the mesh proxy
// among them, is copied on every admission. src is only read.
func CopyContainer(src, dst *corev1.Container) {
	bare := *src
	bare.Resources.Requests, bare.Resources.Limits = nil, nil
	bare.DeepCopyInto(dst)
	dst.Resources.Requests, dst.Resources.Limits = src.Resources.Requests, src.Resources.Limits
}

// copyContainers is cs copied by CopyContainer (nil stays nil, as a deep
// copy keeps it).
func copyContainers(cs []corev1.Container) []corev1.Container {
	if cs == nil {
		return nil
	}
	out := make([]corev1.Container, len(cs))
	for i := range cs {
		CopyContainer(&cs[i], &out[i])
	}
	return out
}

// WritableResources makes *list a map of the container's own, empty or a
// copy of the one it had, before a resource is set in it: in a copy from
// CopyForMutation the list is the original's.
func WritableResources(list *corev1.ResourceList) {
	own := make(corev1.ResourceList, len(*list)+1)
	maps.Copy(own, *list)
	*list = own
}
