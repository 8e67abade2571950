package controller

import (
	"crypto/sha256"
	"encoding/json"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// maxApplied bounds Applied: past it, it starts over (every companion is
// applied once more), so a cluster's churn never grows it without end.
const maxApplied = 200_000

// Applied remembers, for each companion, what pave last applied to it and
// the resourceVersion the API server answered with. A workload is reconciled
// on its creation, on each change to its spec, labels or annotations
// (companionInputsChanged; until stop 38 on each status update too) and on
// each of its companions' events, and every reconcile applied every companion again:
// requests the API server answered without a write. A reconcile now skips a
// companion whose wanted state is the one last applied while the cache shows
// it at the resourceVersion pave left it at: any change by anyone (an edit,
// a deletion, a status update) gives it another, and the next reconcile
// applies it again. (A ResourceQuota, whose status changes with every Pod,
// is compared by its spec as well: inPlace.) A companion that reported
// itself not ready is not remembered, so it is applied, and its readiness
// read, every time as before. Safe for concurrent reconciles; a nil
// *Applied remembers nothing.
type Applied struct {
	mu sync.Mutex
	m  map[appliedKey]appliedState
}

type appliedKey struct {
	gvk             schema.GroupVersionKind
	namespace, name string
}

type appliedState struct {
	sum             stateSum
	resourceVersion string
}

// stateSum identifies the state a companion is applied with.
type stateSum [sha256.Size]byte

// NewApplied returns an empty memo.
func NewApplied() *Applied { return &Applied{m: map[appliedKey]appliedState{}} }

// sum is what identifies the state obj asks for.
func sum(obj *unstructured.Unstructured) (stateSum, error) {
	js, err := json.Marshal(obj.Object) // maps encode with sorted keys: one state, one sum
	if err != nil {
		return stateSum{}, err
	}
	return sha256.Sum256(js), nil
}

func keyOf(obj client.Object) appliedKey {
	return appliedKey{gvk: obj.GetObjectKind().GroupVersionKind(), namespace: obj.GetNamespace(), name: obj.GetName()}
}

// current reports whether obj is what pave last applied and the cache
// still shows the companion as pave left it, at the same resourceVersion
// (cached is the cache's copy, nil when it has none), and returns obj's
// sum for record. A nil memo sums nothing.
func (a *Applied) current(obj *unstructured.Unstructured, cached client.Object) (stateSum, bool) {
	if a == nil {
		return stateSum{}, false
	}
	s, err := sum(obj)
	if err != nil {
		return s, false // never equal to what was recorded: apply
	}
	a.mu.Lock()
	last, ok := a.m[keyOf(obj)]
	a.mu.Unlock()
	if !ok || last.sum != s || cached == nil {
		return s, false // changed, gone, or unreadable: apply
	}
	return s, cached.GetResourceVersion() == last.resourceVersion
}

// record notes that the state summed s was applied and the API server
// answered with applied.
func (a *Applied) record(applied *unstructured.Unstructured, s stateSum) {
	if a == nil || applied.GetResourceVersion() == "" {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.m) >= maxApplied {
		clear(a.m)
	}
	a.m[keyOf(applied)] = appliedState{sum: s, resourceVersion: applied.GetResourceVersion()}
}

// wrote reports whether obj is a companion at the resourceVersion pave's
// last apply of it left: the event of pave's own write. A nil memo
// remembers no write.
func (a *Applied) wrote(obj client.Object) bool {
	if a == nil || obj == nil || obj.GetResourceVersion() == "" {
		return false
	}
	a.mu.Lock()
	last, ok := a.m[keyOf(obj)]
	a.mu.Unlock()
	return ok && last.resourceVersion == obj.GetResourceVersion()
}

// forget drops what is remembered of obj, for a companion that must be
// applied again next time.
func (a *Applied) forget(obj *unstructured.Unstructured) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.m, keyOf(obj))
}
