package controller

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/util/csaupgrade"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// inCache is obj's companion as the cache holds it (CacheObject): nil when
// it holds none, and found false only when it says so (a read that failed
// is not taken for absence).
func inCache(ctx context.Context, c client.Reader, obj *unstructured.Unstructured) (cached client.Object, found bool) {
	cached = CacheObject(obj.GroupVersionKind())
	err := c.Get(ctx, client.ObjectKeyFromObject(obj), cached)
	if err != nil {
		return nil, !apierrors.IsNotFound(err)
	}
	return cached, true
}

// write puts obj into the cluster as pave's and leaves it as the API server
// answered. A companion the cache does not hold is created: a server-side
// apply costs the API server twice a create's CPU (it parses the apply as
// YAML, then merges field ownership; 6.0 against 3.1 ms for a workload's
// NetworkPolicy and dashboard, docs/performance.md), and nearly every
// companion is written once, when its workload is created. One that exists
// (or was created meanwhile) is applied.
//
// A ResourceQuota is applied from the start. Its first apply after a
// create takes three writes (apply), and every write of it is one the API
// server's quota admission can lose a team's create to (inPlace); one per
// namespace, its create's cost does not count. Applied, a reconcile that
// runs before the cache holds it sends the same apply again, which the API
// server answers without a write.
func write(ctx context.Context, c client.Client, obj *unstructured.Unstructured, exists bool) error {
	if !exists && obj.GroupVersionKind() != quotaGVK {
		desired := obj.DeepCopy()
		err := c.Create(ctx, obj, client.FieldOwner(FieldManager))
		if !apierrors.IsAlreadyExists(err) {
			return err
		}
		obj.Object = desired.Object
	}
	return apply(ctx, c, obj)
}

// apply server-side-applies obj. A companion pave created is owned by pave's
// "Update" manager, and an apply removes only fields no other manager owns:
// the first apply after the create would leave behind every field pave
// stopped wanting. So where the answer shows that manager, its fields are
// handed to pave's apply manager (client-go's csaupgrade, as kubectl does
// when it moves to server-side apply; guarded by the resourceVersion) and
// obj is applied again, which removes them. Once per companion, on its
// first change.
func apply(ctx context.Context, c client.Client, obj *unstructured.Unstructured) error {
	desired := obj.DeepCopy()
	if err := c.Patch(ctx, obj, client.Apply, client.FieldOwner(FieldManager), client.ForceOwnership); err != nil {
		return err
	}
	patch, err := csaupgrade.UpgradeManagedFieldsPatch(obj, sets.New(FieldManager), FieldManager)
	if err != nil || patch == nil {
		return err
	}
	if err := c.Patch(ctx, obj, client.RawPatch(types.JSONPatchType, patch)); err != nil {
		return fmt.Errorf("hand the fields pave created it with to its apply: %w", err)
	}
	obj.Object = desired.Object
	return c.Patch(ctx, obj, client.Apply, client.FieldOwner(FieldManager), client.ForceOwnership)
}
