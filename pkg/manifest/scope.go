package manifest

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/internal/jsondecode"
)

// Scopes tells the kinds that live outside any namespace, offline, where
// kubectl would ask the API server's discovery: the API server ignores a
// namespace such an object names, and one it does not name is not
// "default". Kubernetes' own kinds and those of the CRDs pave ships and
// writes are known (test/e2e checks the list against a real API server's
// discovery and the CRDs of the APIs' modules); the input's
// CustomResourceDefinitions declare their own.
type Scopes struct {
	declared map[schema.GroupKind]bool // true: cluster-scoped
}

// ScopesOf reads the scopes the objects' CustomResourceDefinitions declare.
func ScopesOf(objs []Object) Scopes {
	s := Scopes{}
	for _, o := range objs {
		if o.Kind != "CustomResourceDefinition" || o.APIVersion != apiextensionsv1.SchemeGroupVersion.String() {
			continue
		}
		var crd apiextensionsv1.CustomResourceDefinition
		if jsondecode.Unmarshal(o.JSON, &crd) != nil {
			continue // pave judges no CRD; one that does not decode declares nothing
		}
		if s.declared == nil {
			s.declared = map[schema.GroupKind]bool{}
		}
		gk := schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}
		s.declared[gk] = crd.Spec.Scope == apiextensionsv1.ClusterScoped
	}
	return s
}

// ClusterScoped reports whether objects of the kind live outside any
// namespace. Kinds it does not know are taken as namespaced, as they mostly are.
func (s Scopes) ClusterScoped(apiVersion, kind string) bool {
	gk := schema.FromAPIVersionAndKind(apiVersion, kind).GroupKind()
	if cluster, ok := s.declared[gk]; ok {
		return cluster
	}
	return knownClusterScoped(gk)
}

// knownClusterScoped lists the cluster-scoped kinds of Kubernetes and of the
// APIs pave installs or writes.
func knownClusterScoped(gk schema.GroupKind) bool {
	switch gk.Group {
	case "":
		switch gk.Kind {
		case "ComponentStatus", "Namespace", "Node", "PersistentVolume":
			return true
		}
	case "admissionregistration.k8s.io":
		switch gk.Kind {
		case "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
			"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
			"MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding":
			return true
		}
	case "apiextensions.k8s.io":
		return gk.Kind == "CustomResourceDefinition"
	case "apiregistration.k8s.io":
		return gk.Kind == "APIService"
	case "authentication.k8s.io":
		return gk.Kind == "TokenReview" || gk.Kind == "SelfSubjectReview"
	case "authorization.k8s.io":
		switch gk.Kind {
		case "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview":
			return true
		}
	case "certificates.k8s.io":
		return gk.Kind == "CertificateSigningRequest" || gk.Kind == "ClusterTrustBundle"
	case "flowcontrol.apiserver.k8s.io":
		return gk.Kind == "FlowSchema" || gk.Kind == "PriorityLevelConfiguration"
	case "internal.apiserver.k8s.io":
		return gk.Kind == "StorageVersion"
	case "networking.k8s.io":
		switch gk.Kind {
		case "IngressClass", "IPAddress", "ServiceCIDR":
			return true
		}
	case "node.k8s.io":
		return gk.Kind == "RuntimeClass"
	case "rbac.authorization.k8s.io":
		return gk.Kind == "ClusterRole" || gk.Kind == "ClusterRoleBinding"
	case "resource.k8s.io":
		switch gk.Kind {
		case "DeviceClass", "ResourceSlice", "DeviceTaintRule":
			return true
		}
	case "scheduling.k8s.io":
		return gk.Kind == "PriorityClass"
	case "storage.k8s.io":
		switch gk.Kind {
		case "CSIDriver", "CSINode", "StorageClass", "VolumeAttachment", "VolumeAttributesClass":
			return true
		}
	case "storagemigration.k8s.io":
		return gk.Kind == "StorageVersionMigration"
	case "pave.dev":
		return gk.Kind == "PlatformPolicy"
	case "cert-manager.io":
		return gk.Kind == "ClusterIssuer"
	case "cilium.io":
		switch gk.Kind {
		case "CiliumBGPAdvertisement", "CiliumBGPClusterConfig", "CiliumBGPNodeConfig", "CiliumBGPNodeConfigOverride",
			"CiliumBGPPeerConfig", "CiliumCIDRGroup", "CiliumClusterwideEnvoyConfig", "CiliumClusterwideNetworkPolicy",
			"CiliumDatapathPlugin", "CiliumEgressGatewayPolicy", "CiliumEndpointSlice", "CiliumIdentity",
			"CiliumL2AnnouncementPolicy", "CiliumLoadBalancerIPPool", "CiliumNode", "CiliumPodIPPool":
			return true
		}
	case "external-secrets.io":
		switch gk.Kind {
		case "ClusterExternalSecret", "ClusterPushSecret", "ClusterSecretStore":
			return true
		}
	case "generators.external-secrets.io":
		return gk.Kind == "ClusterGenerator"
	case "openreports.io":
		return gk.Kind == "ClusterReport"
	case "policy.networking.k8s.io":
		return gk.Kind == "ClusterNetworkPolicy"
	case "wgpolicyk8s.io":
		return gk.Kind == "ClusterPolicyReport"
	}
	return false
}
