package istio

import (
	"context"

	securityapi "istio.io/api/security/v1beta1"
	security "istio.io/client-go/pkg/apis/security/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
)

// MTLS generates, in the Istio modes, the namespace's PeerAuthentication
// that accepts only mutual TLS: one per namespace, shared by its workloads and
// owned by the Namespace. Only where every workload must be meshed (the
// namespace's zone is one of the mesh's required zones): elsewhere a workload
// may opt out, and STRICT would cut it off.
type MTLS struct{}

// Name implements engine.NamespaceGenerator.
func (MTLS) Name() string { return "mesh-mtls" }

// Kinds implements engine.NamespaceGenerator.
func (MTLS) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{{Group: "security.istio.io", Version: "v1", Kind: "PeerAuthentication"}}
}

// GenerateNamespace implements engine.NamespaceGenerator.
func (MTLS) GenerateNamespace(_ context.Context, env policy.Env) ([]object, error) {
	if !mesh.StrictMTLS(env) {
		return nil, nil
	}
	pa := &security.PeerAuthentication{
		TypeMeta: metav1.TypeMeta{APIVersion: "security.istio.io/v1", Kind: "PeerAuthentication"},
		ObjectMeta: metav1.ObjectMeta{Name: PeerAuthenticationName, Namespace: env.Namespace.Name,
			Labels: map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave}},
	}
	pa.Spec.Mtls = &securityapi.PeerAuthentication_MutualTLS{Mode: securityapi.PeerAuthentication_MutualTLS_STRICT}
	return []object{pa}, nil
}
