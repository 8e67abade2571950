package e2e

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// NetworkPolicies only add allowances, and the built-in edit role may write
// them: a team member's own policy must not open the zone pave closes. In
// the team's namespace they may still write policies between their own
// pods; the platform team (system:masters here) may write any.
func TestTeamMemberCannotOpenTheZone(t *testing.T) {
	teamNamespace(t, "team-zone")
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "team-zone", "networkpolicy", "pave-zone"}, "{.metadata.name}", "pave-zone"))
	netpol := func(name, spec string) string {
		return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + "}\nspec:\n  podSelector: {}\n" + spec
	}
	allowAll := netpol("allow-all", "  ingress: [{}]\n")
	eventually(t, 30*time.Second, func() error { // the guard reaches the API server
		if _, err := asDev(allowAll, "create", "--dry-run=server", "-n", "team-zone", "-f", "-"); err == nil {
			return errors.New("a team member's allow-all NetworkPolicy was admitted")
		}
		return nil
	})
	opening := map[string]string{
		"allow-all":        allowAll,
		"every-namespace":  netpol("every-namespace", "  ingress: [{from: [{namespaceSelector: {}}]}]\n"),
		"other-namespace":  netpol("other-namespace", "  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {}}]}]\n"),
		"egress-anywhere":  netpol("egress-anywhere", "  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}]}]\n"),
		"egress-all-ports": netpol("egress-all-ports", "  policyTypes: [Egress]\n  egress: [{ports: [{port: 443}]}]\n"),
	}
	for name, doc := range opening {
		_, err := asDev(doc, "create", "-n", "team-zone", "-f", "-")
		if err == nil {
			t.Errorf("%s: admitted", name)
			continue
		}
		mustContain(t, err.Error(), "reaches beyond namespace team-zone", "spec.zones.access")
		absent(t, "team-zone", "networkpolicy", name)
	}

	// pave's own policies are the zone's: a team member cannot narrow what
	// the default deny selects, or make it admit anything.
	_, err := asDev("", "patch", "-n", "team-zone", "networkpolicy", "pave-zone", "--type=merge", "-p", `{"spec":{"podSelector":{"matchLabels":{"nothing":"selected"}}}}`)
	if err == nil {
		t.Fatal("a team member re-pointed the zone's default deny")
	}
	mustContain(t, err.Error(), "NetworkPolicy pave-zone is the zone's isolation")
	if _, err := asDev(netpol("pave-zone-web", "  ingress: [{from: [{podSelector: {}}]}]\n"), "create", "-n", "team-zone", "-f", "-"); err == nil || !strings.Contains(err.Error(), "is the zone's isolation") {
		t.Errorf("a team member wrote a policy under pave's names: %v", err)
	}

	// Nor delete it: the zone would be open until pave wrote it again.
	_, err = asDev("", "delete", "-n", "team-zone", "networkpolicy", "pave-zone")
	if err == nil {
		t.Fatal("a team member deleted the zone's default deny")
	}
	mustContain(t, err.Error(), "NetworkPolicy pave-zone is the zone's isolation")
	if _, err := asDev("", "delete", "-n", "team-zone", "networkpolicy", "--all"); err == nil {
		t.Error("a team member deleted the zone's policies with --all")
	}
	if _, err := s.kubectl("get", "-n", "team-zone", "networkpolicy", "pave-zone"); err != nil {
		t.Fatal(err)
	}
	// Deleted by the platform team, pave writes it again.
	if _, err := s.kubectl("delete", "-n", "team-zone", "networkpolicy", "pave-zone"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "team-zone", "networkpolicy", "pave-zone"}, "{.spec.policyTypes}", `["Ingress","Egress"]`))

	// Between the namespace's own pods a team member's policy is theirs.
	own := netpol("web-from-frontend", "  ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{port: 8080}]}]\n  egress: [{to: [{podSelector: {}}]}]\n")
	if _, err := asDev(own, "create", "-n", "team-zone", "-f", "-"); err != nil {
		t.Errorf("a team's NetworkPolicy between its own pods was refused: %v", err)
	}
	// The platform team may open what it decides to.
	if _, err := s.kubectlIn(allowAll, "create", "-n", "team-zone", "-f", "-"); err != nil {
		t.Errorf("the platform team's NetworkPolicy was refused: %v", err)
	}
}

// A NodePort or LoadBalancer Service opens the cluster's edge on every node:
// a team member gets one only in a zone that takes traffic from outside.
func TestTeamMemberCannotExposeAClosedZone(t *testing.T) {
	teamNamespace(t, "team-edge") // zone internal
	_, err := asDev("", "create", "service", "nodeport", "web", "--tcp=80:8080", "-n", "team-edge")
	denied(t, "a NodePort Service in zone internal", err, "[service-exposure] spec.type", `zone "internal" (the label pave.dev/zone of namespace team-edge) takes none`)
	_, err = asDev("", "create", "service", "loadbalancer", "web", "--tcp=80:8080", "-n", "team-edge")
	denied(t, "a LoadBalancer Service in zone internal", err, "[service-exposure]")
	absent(t, "team-edge", "service", "web")
	// An Ingress opens nothing there, but the ingress controller is not let
	// in: admitted, with the reason it will not answer.
	out, err := combinedKubectl("--as", dev, "create", "ingress", "closed", "--rule=shop.example.com/*=web:80", "-n", "team-edge")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	mustContain(t, out, `Warning: pave [ingress-reachable] spec: Ingress "closed" routes traffic from outside the cluster to zone "internal"`,
		"namespace ingress-nginx is not let in", "spec.zones.access[].fromOutside")

	if _, err := s.kubectl("label", "namespace", "team-edge", "pave.dev/zone=public", "--overwrite"); err != nil {
		t.Fatal(err)
	}
	if _, err := asDev("", "create", "service", "loadbalancer", "web", "--tcp=80:8080", "-n", "team-edge"); err != nil {
		t.Errorf("a LoadBalancer Service in the public zone was refused: %v", err)
	}
	out, err = combinedKubectl("--as", dev, "create", "ingress", "open", "--rule=shop.example.com/*=web:80", "-n", "team-edge")
	if err != nil || strings.Contains(out, "ingress-reachable") {
		t.Errorf("an Ingress in the public zone: %v %s", err, out)
	}
}

// The namespace controller deletes the zone's policies with their
// namespace: the guard must not keep a namespace from going. (This
// controller manager runs as system:masters, which the guard trusts; the
// namespace controller's own identity is tried by impersonation.)
func TestZoneNamespaceCanBeDeleted(t *testing.T) {
	teamNamespace(t, "team-gone")
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "team-gone", "networkpolicy", "pave-zone"}, "{.metadata.name}", "pave-zone"))
	if _, err := s.kubectl("--as", "system:serviceaccount:kube-system:namespace-controller", "--as-group", "system:serviceaccounts", "--as-group", "system:serviceaccounts:kube-system",
		"delete", "-n", "team-gone", "networkpolicy", "pave-zone"); err != nil {
		t.Fatalf("the namespace controller could not delete the zone's policy: %v", err)
	}
	if _, err := s.kubectl("delete", "namespace", "team-gone", "--wait=false"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, func() error {
		if out, _ := s.kubectl("get", "namespace", "team-gone", "--ignore-not-found", "-o", "jsonpath={.status}"); out != "" {
			return fmt.Errorf("namespace team-gone is still there: %s", out)
		}
		return nil
	})
}

// In the Cilium target the zone is CiliumNetworkPolicies, which the edit
// role does not write, but Cilium enforces a team's NetworkPolicies beside
// them and their allowances add up: the same guard keeps those to the
// namespace's own pods.
func TestTeamMemberCannotOpenACiliumZone(t *testing.T) {
	usePolicy(t, "{zones: {isolation: {target: CiliumNetworkPolicy}}}")
	teamNamespace(t, "team-cilium-zone")
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "team-cilium-zone", "ciliumnetworkpolicy", "pave-zone"}, "{.metadata.name}", "pave-zone"))
	allowAll := "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-all}\nspec:\n  podSelector: {}\n  ingress: [{}]\n"
	// The zone's own names are CiliumNetworkPolicies here: a team's
	// NetworkPolicy between its own pods may take one.
	own := "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: pave-zone-own}\nspec:\n  podSelector: {}\n  ingress: [{from: [{podSelector: {}}]}]\n"
	eventually(t, 30*time.Second, func() error { // the guard follows the target
		if _, err := asDev(own, "create", "--dry-run=server", "-n", "team-cilium-zone", "-f", "-"); err != nil {
			return err
		}
		_, err := asDev(allowAll, "create", "--dry-run=server", "-n", "team-cilium-zone", "-f", "-")
		if err == nil {
			return errors.New("a team member's allow-all NetworkPolicy was admitted beside the zone's CiliumNetworkPolicies")
		}
		if !strings.Contains(err.Error(), "reaches beyond namespace team-cilium-zone") {
			return err
		}
		return nil
	})
	if _, err := asDev(own, "create", "-n", "team-cilium-zone", "-f", "-"); err != nil {
		t.Error(err)
	}
	absent(t, "team-cilium-zone", "networkpolicy", "allow-all")
}
