package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Zones isolate namespaces through each target in turn, every object
// accepted by the real API (NetworkPolicy, Cilium's and network-policy-api's
// CRDs); a change of target or a namespace's move to another zone replaces
// what no longer applies, and isolation turned off prunes every zone object.
func TestZoneIsolation(t *testing.T) {
	namespace(t, "zone-shop", map[string]string{"pave.dev/team": "shop", "pave.dev/zone": "public"})
	namespace(t, "zone-vault", map[string]string{"pave.dev/team": "vault", "pave.dev/zone": "restricted"})
	for _, ns := range []string{"zone-shop", "zone-vault"} {
		if _, err := s.kubectl("apply", "-n", ns, "-f", "testdata/service.yaml"); err != nil {
			t.Fatal(err)
		}
	}
	setTarget := func(target string) {
		t.Helper()
		usePolicy(t, fmt.Sprintf("{zones: {isolation: {target: %q}}}", target))
	}

	// The default target: NetworkPolicy. The restricted zone is called by
	// itself and internal; the public one by itself and the ingress controller.
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "zone-vault", "networkpolicy", "pave-zone-orders"}, "{.spec.ingress[0].from[0].podSelector.matchExpressions[0].values}", `["restricted","internal"]`))
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "zone-shop", "networkpolicy", "pave-zone-orders"}, "{.spec.ingress[0].from[1].namespaceSelector.matchLabels}", `{"kubernetes.io/metadata.name":"ingress-nginx"}`))
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "zone-shop", "networkpolicy", "pave-zone"}, "{.spec.policyTypes}", `["Ingress","Egress"]`))
	np := getJSON(t, "-n", "zone-shop", "networkpolicy", "pave-zone-orders")
	if at(np, "spec", "ingress", 0, "ports", 0, "port") != float64(8080) || at(np, "metadata", "ownerReferences", 0, "kind") != "Deployment" {
		t.Fatalf("workload NetworkPolicy: %v", np)
	}

	// A namespace moved to another zone: its objects follow.
	if _, err := s.kubectl("label", "namespace", "zone-vault", "pave.dev/zone=internal", "--overwrite"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "zone-vault", "networkpolicy", "pave-zone"}, "{.spec.egress[1].to[0].podSelector.matchExpressions[0].values}", `["internal","restricted"]`))
	// The running pods join the new zone in place, not restarted.
	running := []string{"-n", "zone-vault", "pods", "-l", "app.kubernetes.io/name=orders"}
	before, err := s.kubectl(append([]string{"get"}, append(running, "-o", "jsonpath={.items[*].metadata.uid}")...)...)
	if err != nil || before == "" {
		t.Fatalf("the orders pods: %q %v", before, err)
	}
	eventually(t, 30*time.Second, jsonpathIs(running, "{.items[*].metadata.uid} {.items[*].metadata.labels.pave\\.dev/zone}", before+" internal"))
	// The pods the ReplicaSet makes from then on are members of the new zone,
	// though the template was admitted under the old one.
	if _, err := s.kubectl("delete", "pods", "-n", "zone-vault", "-l", "app.kubernetes.io/name=orders", "--wait=false"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, jsonpathIs([]string{"-n", "zone-vault", "pods", "-l", "app.kubernetes.io/name=orders"}, "{.items[*].metadata.labels.pave\\.dev/zone}", "internal"))

	// Cilium: the same model as CiliumNetworkPolicies; the NetworkPolicies go.
	setTarget("CiliumNetworkPolicy")
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "zone-shop", "ciliumnetworkpolicy", "pave-zone"}, "{.spec.enableDefaultDeny}", `{"egress":true,"ingress":true}`))
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "zone-shop", "ciliumnetworkpolicy", "pave-zone-orders"}, "{.spec.ingress[0].toPorts[0].ports[0].port}", "8080"))
	eventually(t, 30*time.Second, noneLeft("networkpolicy", "zone-shop", "zone-vault"))

	// ClusterNetworkPolicy: one Admin-tier boundary per zone and the
	// Baseline default deny, cluster-wide; each workload's ports stay a
	// NetworkPolicy.
	setTarget("ClusterNetworkPolicy")
	eventually(t, 30*time.Second, jsonpathIs([]string{"clusternetworkpolicy", "pave-zone-restricted"}, "{.spec.tier}/{.spec.priority}", "Admin/102"))
	eventually(t, 30*time.Second, jsonpathIs([]string{"clusternetworkpolicy", "pave-zone"}, "{.spec.tier}", "Baseline"))
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "zone-shop", "networkpolicy", "pave-zone-orders"}, "{.spec.policyTypes}", `["Ingress"]`))
	eventually(t, 30*time.Second, noneLeft("ciliumnetworkpolicy", "zone-shop", "zone-vault"))
	eventually(t, 30*time.Second, func() error {
		if out, _ := s.kubectl("get", "-n", "zone-shop", "networkpolicy", "pave-zone", "--ignore-not-found", "-o", "name"); out != "" {
			return fmt.Errorf("the namespace baseline stayed beside the cluster one")
		}
		return nil
	})
	// Egress entries add up: the internet less the private ranges (31
	// CIDRs, two rules of at most 25) beside a network inside them, each
	// its own Pass rule, which the real CRD takes.
	usePolicy(t, `{zones: {isolation: {target: ClusterNetworkPolicy}, access: [{zone: public, fromOutside: true, egress: [{cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16], ports: [443]}, {cidr: 10.1.0.0/16, ports: [5432]}]}, {zone: internal, allowFrom: [public]}, {zone: restricted, allowFrom: [internal]}]}}`)
	eventually(t, 30*time.Second, jsonpathIs([]string{"clusternetworkpolicy", "pave-zone-public"}, `{.spec.egress[?(@.name=="egress-1")].to[0].networks}`, `["10.1.0.0/16"]`))
	eventually(t, 30*time.Second, jsonpathIs([]string{"clusternetworkpolicy", "pave-zone-public"}, `{.spec.egress[?(@.name=="egress-0-1")].action}`, "Pass"))

	// Off: every zone object goes.
	setTarget("off")
	eventually(t, 30*time.Second, noneLeft("networkpolicy", "zone-shop", "zone-vault"))
	eventually(t, 30*time.Second, noneLeft("clusternetworkpolicy", ""))
}

// jsonpathIs checks one field of the object kubectl get args names.
func jsonpathIs(args []string, path, want string) func() error {
	args = append(append([]string{"get"}, args...), "-o", "jsonpath="+path)
	return func() error {
		out, err := s.kubectl(args...)
		if err != nil || strings.TrimSpace(out) != want {
			return fmt.Errorf("kubectl %v: %q, want %q (%v)", args, out, want, err)
		}
		return nil
	}
}

// noneLeft checks that pave left no zone object of the kind in the
// namespaces (none given: cluster-scoped).
func noneLeft(kind string, namespaces ...string) func() error {
	return func() error {
		for _, ns := range namespaces {
			args := []string{"get", kind, "-l", "app.kubernetes.io/managed-by=pave", "-o", "name"}
			if ns != "" {
				args = append(args, "-n", ns)
			}
			out, err := s.kubectl(args...)
			if err != nil || strings.Contains(out, "/pave-zone") {
				return fmt.Errorf("%s left in %q: %s %v", kind, ns, out, err)
			}
		}
		return nil
	}
}

// A Pod running before pave carries no zone label, and the zone's network
// policies select Pods by it: installing pave cut its traffic until it was
// restarted. The controller gives it its zone's label in place. The
// webhooks leave the scheduler's requests alone, so a Pod created as the
// scheduler stands in for one created before pave.
func TestPodsThatPredatePaveJoinTheirZone(t *testing.T) {
	teamNamespace(t, "team-predate")
	if _, err := s.kubectl("--as", "system:kube-scheduler", "--as-group", "system:masters",
		"run", "-n", "team-predate", "old", "--image=nginx:1.27.3", "--restart=Never"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.kubectl("label", "namespace", "team-predate", "reconciled=again"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "team-predate", "pod", "old"}, `{.metadata.labels.pave\.dev/zone} {.metadata.labels.run}`, "internal old"))
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "events", "-A", "--field-selector", "reason=PodsJoinedZone,involvedObject.name=team-predate", "-o", "jsonpath={.items[*].message}")
		if err != nil || !strings.Contains(out, "labelled 1 running Pod with the zone they are in") {
			return fmt.Errorf("no PodsJoinedZone event on the namespace: %q %v", out, err)
		}
		return nil
	})
}
