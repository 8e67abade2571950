package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/object"
	"github.com/pave-dev/pave/pkg/policy"
)

// configMapPage is how many ConfigMaps a scan lists at once: one may hold a
// MiB, where the other kinds' objects hold a few KiB.
const configMapPage = 25

// judgeObjects runs the engine's object rules (engine.ObjectKinds) over
// every object of those kinds the cluster serves, as the validating webhook
// judges it at its next apply, and adds their results to out by namespace;
// it returns how many objects it judged, and what it could not judge.
// Objects that name hosts (an Ingress, a route, a Certificate, a Service
// external-dns publishes) are judged in a second listing of their kinds,
// against the hosts every other one routes or publishes, indexed in the
// first: the controller keeps no index of hosts, which is the admission
// server's, and the scan's keeps each route's hosts alone (ingress.Routed).
// pave's own objects are not judged, as its writes are not sent to its
// webhook.
func (s *Scanner) judgeObjects(ctx context.Context, eng *engine.Engine, p *policy.Policy, now time.Time, out map[string][]Result) (int, unread, error) {
	n := 0
	judge := func(obj object.Object, env environment.Builder, req environment.Request) error {
		gvk := obj.GetObjectKind().GroupVersionKind() // object.Decode's
		e, err := env.Env(ctx, p, req)
		if apierrors.IsNotFound(err) {
			return nil // its namespace went, or is not yet in the cache: the next scan judges it
		}
		var vs []policy.Violation
		if err == nil {
			vs, _, err = eng.ValidateObject(ctx, obj, nil, e)
		}
		if err != nil {
			return fmt.Errorf("judge %s %s/%s: %w", gvk.Kind, obj.GetNamespace(), obj.GetName(), err)
		}
		n++
		out[obj.GetNamespace()] = append(out[obj.GetNamespace()], scanResults(gvk.GroupVersion().String(), gvk.Kind, obj.GetName(), vs, now)...)
		return nil
	}
	var routing []client.Object
	var skipped unread
	var naming []unreadObject // what names hosts, judged in the second listing
	for _, gvk := range eng.ObjectKinds() {
		err := s.objects(ctx, gvk, func(obj object.Object) error {
			if routed, ok := ingress.Routed(obj, routedMeta); ok {
				routing = append(routing, routed) // another's route, wherever it is
			}
			if slices.Contains(s.Skip, obj.GetNamespace()) {
				return nil
			}
			if ingress.NamesHosts(obj) {
				naming = append(naming, unreadObject{gvk, obj.GetNamespace(), obj.GetName()})
				return nil
			}
			claims := gvk.Kind == "PersistentVolumeClaim"
			return judge(obj, s.Env, environment.Request{Namespace: obj.GetNamespace(), Exceptions: true, StorageClasses: claims, UnreservedVolumes: claims})
		})
		if err = s.unreadKind(&skipped, gvk, err); err != nil {
			return n, skipped, err
		}
	}
	if slices.ContainsFunc(skipped.kinds, routes) {
		// The index lacks a kind's hosts: what names a host is not judged
		// against it, and keeps its last results.
		skipped.objects = naming
		return n, skipped, nil
	}
	index := environment.IndexRouting(routing)
	for _, gvk := range eng.ObjectKinds() {
		if !slices.ContainsFunc(naming, func(o unreadObject) bool { return o.gvk == gvk }) {
			continue
		}
		err := s.objects(ctx, gvk, func(obj object.Object) error {
			if slices.Contains(s.Skip, obj.GetNamespace()) || !ingress.NamesHosts(obj) {
				return nil
			}
			routed := s.Env
			routed.Source = scannedRoutes{Source: s.Env.Source, index: index, until: obj.GetCreationTimestamp().Time}
			return judge(obj, routed, environment.Request{Namespace: obj.GetNamespace(), Exceptions: true, Routing: obj})
		})
		if err = s.unreadKind(&skipped, gvk, err); err != nil {
			return n, skipped, err
		}
	}
	return n, skipped, nil
}

// listError is a kind the scan could not list.
type listError struct{ err error }

func (e listError) Error() string { return e.err.Error() }
func (e listError) Unwrap() error { return e.err }

// unreadKind adds gvk to u where err is its list's failure, which is
// logged: one kind the API server will not list (a CRD whose conversion
// webhook is down, a grant an older install lacks) keeps its last results,
// and does not keep every other kind from being judged. Any other error is
// returned.
func (s *Scanner) unreadKind(u *unread, gvk schema.GroupVersionKind, err error) error {
	var failed listError
	if !errors.As(err, &failed) {
		return err
	}
	s.Log.Error(err, "background audit cannot list a kind; its last results are kept", "kind", gvk.String())
	u.kinds = append(u.kinds, gvk)
	return nil
}

// routes reports whether objects of gvk may route or publish hosts (the
// index's kinds: ingress.Kinds, and Services for the names external-dns
// publishes).
func routes(gvk schema.GroupVersionKind) bool {
	return gvk == corev1.SchemeGroupVersion.WithKind("Service") || slices.Contains(ingress.Kinds(), gvk)
}

// routedMeta is what the scan's index keeps of a route's metadata: who it
// is, when it was made (scannedRoutes) and whether it is going.
func routedMeta(m metav1.ObjectMeta) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace, CreationTimestamp: m.CreationTimestamp, DeletionTimestamp: m.DeletionTimestamp}
}

// notPaves selects what pave did not write, on the API server: the
// dashboard and VirtualService of every workload are not listed only to be
// skipped.
func notPaves() client.ListOption {
	req, _ := labels.NewRequirement(v1alpha1.LabelManagedBy, selection.NotEquals, []string{v1alpha1.ManagedByPave}) // valid: a constant key and value
	return client.MatchingLabelsSelector{Selector: labels.NewSelector().Add(*req)}
}

// objects calls fn with every object of gvk but pave's own and those being
// deleted, listed from the API server a page at a time and decoded as the
// webhook decodes them (object.Decode); one that does not decode is logged
// and skipped, as a workload that is no workload is. A kind the cluster
// does not serve has none.
func (s *Scanner) objects(ctx context.Context, gvk schema.GroupVersionKind, fn func(object.Object) error) error {
	page := int64(scanPage)
	if gvk.Group == "" && gvk.Kind == "ConfigMap" {
		page = configMapPage
	}
	for next := ""; ; {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		err := s.API.List(ctx, list, client.Limit(page), client.Continue(next), notPaves())
		if meta.IsNoMatchError(err) || apierrors.IsNotFound(err) { // not served, or its CRD just went
			return nil
		}
		if err != nil {
			return listError{fmt.Errorf("list %s: %w", gvk.Kind, err)}
		}
		for i := range list.Items {
			item := &list.Items[i]
			if item.GetDeletionTimestamp() != nil || item.GetNamespace() == "" {
				continue
			}
			data, err := item.MarshalJSON()
			if err != nil {
				return fmt.Errorf("encode %s %s/%s: %w", gvk.Kind, item.GetNamespace(), item.GetName(), err)
			}
			obj, err := object.Decode(gvk, data)
			if err != nil { // one the webhook could not judge either: the others still are
				s.Log.Error(err, "background audit skips an object it cannot decode", "kind", gvk.Kind, "namespace", item.GetNamespace(), "name", item.GetName())
				continue
			}
			if err := fn(obj); err != nil {
				return err
			}
		}
		if next = list.GetContinue(); next == "" {
			return nil
		}
	}
}

// scannedRoutes is the environment's source, but for the routes, which are
// those a scan read that were made until the judged object was. A host
// belongs to the team that routed it first, as admission judged it: of two
// teams' Ingresses of one host, the later one took it. Two made in the
// same second are each judged against the other.
type scannedRoutes struct {
	environment.Source
	index map[string][]client.Object
	until time.Time
}

// Routing implements environment.Source.
func (r scannedRoutes) Routing(_ context.Context, family, key string) ([]client.Object, error) {
	var out []client.Object
	for _, o := range r.index[family+"/"+key] {
		if !o.GetCreationTimestamp().After(r.until) {
			out = append(out, o)
		}
	}
	return out, nil
}
