package secrets

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// externalSecretKind is the External Secrets Operator's ExternalSecret. Its
// Go API module is not served here, so the objects are built unstructured,
// against the CRD the e2e tests install.
var externalSecretKind = schema.GroupVersionKind{Group: "external-secrets.io", Version: "v1", Kind: "ExternalSecret"}

const defaultRefresh = time.Hour

// Delivery generates, for each Secret a served workload references, the
// ExternalSecret that keeps it in step with the store: remote key
// <namespace>/<secret>, every property of it, refreshed on the policy's
// interval. The ExternalSecret is the workload's (the garbage collector
// removes it with the workload) and named for both, so two workloads that
// share a Secret never fight over one object; the Secret itself is left in
// place when they go (creationPolicy Orphan: another pod may still mount it).
type Delivery struct{}

// Name implements engine.Generator.
func (Delivery) Name() string { return "secret-delivery" }

// Kinds implements engine.Generator.
func (Delivery) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{externalSecretKind}
}

// Generate implements engine.Generator.
func (Delivery) Generate(_ context.Context, w *workload.Workload, env policy.Env) ([]object, error) {
	sp := env.Policy.Spec.Secrets
	if !workload.Served(w) || sp.Store == "" || OtherDelivery(w) != "" {
		return nil, nil
	}
	ns := env.NamespaceOf(w)
	refresh := defaultRefresh
	if sp.RefreshInterval != nil {
		refresh = sp.RefreshInterval.Duration
	}
	var out []object
	for _, secret := range Referenced(w) {
		// The API server checks the Secret name of an env reference, not
		// of a volume: a volume may name a Secret that cannot exist
		// (DB_Creds), whose pods never start. pave delivers no such
		// Secret: the ExternalSecret's CRD would refuse its target, and
		// every reconcile of the workload would fail on it.
		if !workload.Nameable(secret) {
			continue
		}
		es := &unstructured.Unstructured{Object: map[string]any{
			"spec": map[string]any{
				"refreshInterval": refresh.String(),
				"secretStoreRef":  map[string]any{"kind": "ClusterSecretStore", "name": sp.Store},
				"target":          map[string]any{"name": secret, "creationPolicy": "Orphan", "deletionPolicy": "Retain"},
				"dataFrom":        []any{map[string]any{"extract": map[string]any{"key": ns + "/" + secret}}},
			},
		}}
		es.SetGroupVersionKind(externalSecretKind)
		es.SetName(v1alpha1.ObjectName("pave-", workload.CompanionName(w)+"-"+secret, ""))
		es.SetNamespace(ns)
		es.SetLabels(map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave, v1alpha1.LabelName: w.Meta.Labels[v1alpha1.LabelName]})
		out = append(out, es)
	}
	return out, nil
}
