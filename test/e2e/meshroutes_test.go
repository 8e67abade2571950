package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A team member who may write Istio's VirtualServices and ServiceEntries
// (a platform's aggregated edit role, as here) cannot route other
// namespaces' calls: one that other namespaces see takes no host beyond the
// team's own Services (Istio's advisory of March 2026). Kept to the team's
// namespace by exportTo, or naming only its own Services, it is admitted.
// The API server converts an older version to the v1 the webhook asks for.
func TestTeamMemberCannotRouteOtherTeamsCalls(t *testing.T) {
	role := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: istio-networking-edit-e2e, labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}
rules: [{apiGroups: [networking.istio.io], resources: [virtualservices, serviceentries], verbs: [create, update, patch, delete, get, list]}]
`
	if _, err := s.kubectlIn(role, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "clusterrole", "istio-networking-edit-e2e", "--ignore-not-found") })
	teamNamespace(t, "team-mitm")
	steal := `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: steal}
spec:
  hosts: [orders.shop.svc.cluster.local]
  http: [{route: [{destination: {host: thief}}]}]
`
	var err error
	eventually(t, 30*time.Second, func() error { // the aggregated role is learnt a moment later
		_, err = asDev(steal, "create", "-n", "team-mitm", "-f", "-")
		if err == nil || !strings.Contains(err.Error(), "mesh-routes") {
			_, _ = s.kubectl("delete", "-n", "team-mitm", "virtualservice", "steal", "--ignore-not-found")
			return fmt.Errorf("not denied by mesh-routes yet: %v", err)
		}
		return nil
	})
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
