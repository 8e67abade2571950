package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A team member who may write Istio's VirtualServices and ServiceEntries
// (a platform's aggregated edit role, istioEditRole) cannot route other
// namespaces' calls: one that other namespaces see takes no host beyond the
// team's own Services (Istio's advisory of March 2026). Kept to the team's
// namespace by exportTo, or naming only its own Services, it is admitted.
// The API server converts an older version to the v1 the webhook asks for.
func TestTeamMemberCannotRouteOtherTeamsCalls(t *testing.T) {
	istioEditRole(t)
	teamNamespace(t, "team-mitm")
	steal := `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: steal}
spec:
  hosts: [orders.shop.svc.cluster.local]
  http: [{route: [{destination: {host: thief}}]}]
`
	err := deniedOnceLearnt(t, steal, "team-mitm", "mesh-routes", "virtualservice", "steal")
	denied(t, "a VirtualService for another namespace's Service", err, "[mesh-routes] spec.hosts[0]", `set spec.exportTo: ["."]`)
	absent(t, "team-mitm", "virtualservice", "steal")

	entry := "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: stripe}\nspec: {hosts: [api.stripe.com], location: MESH_EXTERNAL, resolution: DNS, ports: [{number: 443, name: tls, protocol: TLS}]}\n"
	_, err = asDev(entry, "create", "-n", "team-mitm", "-f", "-")
	denied(t, "a ServiceEntry every namespace sees", err, "[mesh-routes] spec.hosts[0]")
	absent(t, "team-mitm", "serviceentry", "stripe")

	kept := strings.Replace(steal, "spec:\n", "spec:\n  exportTo: [\".\"]\n", 1)
	if _, err := asDev(kept, "apply", "-n", "team-mitm", "-f", "-"); err != nil {
		t.Fatalf("a VirtualService kept to the team's namespace was refused: %v", err)
	}
	keptEntry := strings.Replace(entry, "spec: {", `spec: {exportTo: ["."], `, 1)
	if _, err := asDev(keptEntry, "apply", "-n", "team-mitm", "-f", "-"); err != nil {
		t.Fatalf("a ServiceEntry kept to the team's namespace was refused: %v", err)
	}
	own := "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: own}\nspec: {hosts: [web], http: [{route: [{destination: {host: web}}]}]}\n"
	if _, err := asDev(own, "apply", "-n", "team-mitm", "-f", "-"); err != nil {
		t.Fatalf("a VirtualService of the team's own Service was refused: %v", err)
	}
	// Exporting the kept one everywhere again is an update, judged as well.
	_, err = asDev("", "patch", "-n", "team-mitm", "virtualservice", "steal", "--type=json", "-p", `[{"op":"remove","path":"/spec/exportTo"}]`)
	denied(t, "a VirtualService exported everywhere by a patch", err, "[mesh-routes] spec.hosts[0]")
}

// A team member cannot bind a VirtualService for another team's host to
// the shared ingress gateway: Istio merges every namespace's routes of one
// host on a gateway, so the team's would take the other's traffic (rule
// ingress-host, as for Ingresses). Kept to its own namespace by exportTo,
// no gateway of another namespace uses it, and it is admitted; exporting it
// again by a patch is judged too.
func TestTeamMemberCannotTakeAnotherTeamsGatewayHost(t *testing.T) {
	istioEditRole(t)
	teamNamespace(t, "team-gw-owner")
	teamNamespace(t, "team-gw-thief")
	storefront := `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: storefront}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/public]
  http: [{route: [{destination: {host: web}}]}]
`
	if _, err := s.kubectlIn(storefront, "apply", "-n", "team-gw-owner", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	steal := strings.NewReplacer("name: storefront", "name: steal", "shop.example.com", "SHOP.example.com", "networking.istio.io/v1", "networking.istio.io/v1beta1").Replace(storefront)
	err := deniedOnceLearnt(t, steal, "team-gw-thief", "ingress-host", "virtualservice", "steal")
	denied(t, "a VirtualService for another team's host on the gateway", err, "[ingress-host] spec.hosts[0]",
		`VirtualService team-gw-owner/storefront of team "team-gw-owner" routes it`, "an Istio gateway both teams bind to")
	absent(t, "team-gw-thief", "virtualservice", "steal")

	kept := strings.Replace(steal, "spec:\n", "spec:\n  exportTo: [\".\"]\n", 1)
	if _, err := asDev(kept, "apply", "-n", "team-gw-thief", "-f", "-"); err != nil {
		t.Fatalf("a gateway VirtualService kept to the team's namespace was refused: %v", err)
	}
	_, err = asDev("", "patch", "-n", "team-gw-thief", "virtualservice", "steal", "--type=json", "-p", `[{"op":"remove","path":"/spec/exportTo"}]`)
	denied(t, "a gateway VirtualService exported everywhere by a patch", err, "[ingress-host] spec.hosts[0]")
	own := strings.NewReplacer("name: storefront", "name: own", "shop.example.com", "thief.example.com").Replace(storefront)
	if _, err := asDev(own, "apply", "-n", "team-gw-thief", "-f", "-"); err != nil {
		t.Fatalf("a gateway VirtualService of a host no other team routes was refused: %v", err)
	}

	// One kept to its namespace is no claim on its host: the admission
	// server's cache keeps its exportTo (it once dropped it, and such a
	// VirtualService kept every other team off the host). Once the cache has
	// learnt of a VirtualService written after it, it has learnt of this one.
	local := strings.NewReplacer("name: storefront", "name: local", "shop.example.com", "local.example.com", "spec:\n", "spec:\n  exportTo: [\".\"]\n").Replace(storefront)
	probe := strings.NewReplacer("name: storefront", "name: probe", "shop.example.com", "probe.example.com").Replace(storefront)
	for _, doc := range []string{local, probe} {
		if _, err := asDev(doc, "apply", "-n", "team-gw-thief", "-f", "-"); err != nil {
			t.Fatal(err)
		}
	}
	_ = deniedOnceLearnt(t, probe, "team-gw-owner", "ingress-host", "virtualservice", "probe")
	exported := strings.NewReplacer("name: storefront", "name: local", "shop.example.com", "local.example.com").Replace(storefront)
	if _, err := asDev(exported, "create", "-n", "team-gw-owner", "-f", "-"); err != nil {
		t.Fatalf("a gateway VirtualService of a host another team keeps to its namespace was refused: %v", err)
	}
}

// In the mesh's required zones a team member's PeerAuthentication takes
// only mutual TLS: one that lets a workload, or a port, take plaintext
// would override the namespace's STRICT one pave writes. The team's own
// STRICT one is admitted; a DestinationRule that calls in plaintext, and an
// EnvoyFilter, which patches below them, are not.
func TestTeamMemberCannotTurnMutualTLSOff(t *testing.T) {
	istioEditRole(t)
	teamNamespace(t, "team-plain")
	meshOn(t, "team-plain")
	open := `apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: metrics}
spec:
  selector: {matchLabels: {app: web}}
  portLevelMtls: {"9090": {mode: PERMISSIVE}}
`
	err := deniedOnceLearnt(t, open, "team-plain", "mesh-mtls", "peerauthentication", "metrics")
	denied(t, "a PeerAuthentication that opens a port to plaintext", err, "[mesh-mtls] spec.portLevelMtls[9090].mode", "zone internal requires mutual TLS")
	absent(t, "team-plain", "peerauthentication", "metrics")
	strict := strings.Replace(open, "PERMISSIVE", "STRICT", 1)
	if _, err := asDev(strict, "apply", "-n", "team-plain", "-f", "-"); err != nil {
		t.Fatalf("a STRICT PeerAuthentication was refused: %v", err)
	}
	// Nor may the team turn pave's own namespace-wide one down.
	eventually(t, 30*time.Second, func() error {
		_, err := s.kubectl("get", "-n", "team-plain", "peerauthentication", "pave-mtls")
		return err
	})
	_, err = asDev("", "patch", "-n", "team-plain", "peerauthentication", "pave-mtls", "--type=merge", "-p", `{"spec":{"mtls":{"mode":"PERMISSIVE"}}}`)
	denied(t, "pave's PeerAuthentication made PERMISSIVE", err, "[mesh-mtls] spec.mtls.mode")

	// Nor send its own calls in plaintext.
	plain := "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: plain}\nspec: {host: orders.shop.svc.cluster.local, trafficPolicy: {tls: {mode: DISABLE}}}\n"
	_, err = asDev(plain, "create", "-n", "team-plain", "-f", "-")
	denied(t, "a DestinationRule that disables TLS", err, "[mesh-mtls] spec.trafficPolicy.tls.mode")
	absent(t, "team-plain", "destinationrule", "plain")

	// Nor patch its proxies below the PeerAuthentications.
	filter := `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: plain}
spec:
  configPatches:
  - applyTo: FILTER_CHAIN
    match: {context: SIDECAR_INBOUND}
    patch: {operation: REMOVE}
`
	_, err = asDev(filter, "create", "-n", "team-plain", "-f", "-")
	denied(t, "an EnvoyFilter where the mesh is required", err, "[mesh-envoy-filter] spec.configPatches")
	absent(t, "team-plain", "envoyfilter", "plain")
}

// istioEditRole gives the edit role Istio's VirtualServices,
// ServiceEntries, DestinationRules, EnvoyFilters and PeerAuthentications,
// as a platform's aggregated role may.
func istioEditRole(t *testing.T) {
	t.Helper()
	role := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: istio-edit-e2e, labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}
rules:
- {apiGroups: [networking.istio.io], resources: [virtualservices, serviceentries, destinationrules, envoyfilters], verbs: [create, update, patch, delete, get, list]}
- {apiGroups: [security.istio.io], resources: [peerauthentications], verbs: [create, update, patch, delete, get, list]}
`
	if _, err := s.kubectlIn(role, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "clusterrole", "istio-edit-e2e", "--ignore-not-found") })
}

// deniedOnceLearnt creates doc in ns as the team member until pave's rule
// denies it, and returns that denial: the aggregated role is learnt a moment
// after it is written, and a try before that is refused by RBAC (or, with
// the webhook not yet sent the kind, stored, and deleted here).
func deniedOnceLearnt(t *testing.T, doc, ns, rule, kind, name string) error {
	t.Helper()
	var err error
	eventually(t, 30*time.Second, func() error {
		_, err = asDev(doc, "create", "-n", ns, "-f", "-")
		if err == nil || !strings.Contains(err.Error(), rule) {
			_, _ = s.kubectl("delete", "-n", ns, kind, name, "--ignore-not-found")
			return fmt.Errorf("not denied by %s yet: %v", rule, err)
		}
		return nil
	})
	return err
}
