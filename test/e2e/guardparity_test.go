package e2e

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// pave check --as-team judges what the guards judge, as the API server
// judges a team member's create: the same verdict on each manifest.
func TestCheckAsTeamAgreesWithTheGuards(t *testing.T) {
	usePolicy(t, "{secrets: {store: org-vault}}")
	teamNamespace(t, "team-parity")
	esoEditRoles(t)
	policyFile := writeTemp(t, "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  secrets: {store: org-vault}\n")
	netpol := func(name, spec string) string {
		return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + "}\nspec:\n  podSelector: {}\n" + spec
	}
	es := func(name, key string) string {
		return "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: " + name + "}\nspec:\n  secretStoreRef: {kind: ClusterSecretStore, name: org-vault}\n  dataFrom: [{extract: {key: " + key + "}}]\n"
	}
	cases := map[string]string{
		"allow-all":       netpol("allow-all", "  ingress: [{}]\n"),
		"other-namespace": netpol("other-namespace", "  ingress: [{from: [{namespaceSelector: {}}]}]\n"),
		"egress-cidr":     netpol("egress-cidr", "  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]\n"),
		"own-pods":        netpol("own-pods", "  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]\n"),
		"zone-name":       netpol("pave-zone-web", "  ingress: [{from: [{podSelector: {}}]}]\n"),
		// Kyverno's default-deny, written without a spec: the API server
		// decodes one, and the guards see it.
		"no-spec":   "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny}\n",
		"other-key": es("other-key", "team-other/db"),
		"own-key":   es("own-key", "team-parity/db"),
	}
	eventually(t, 30*time.Second, func() error { // the guards reach the API server
		_, err := asDev(cases["other-key"], "create", "--dry-run=server", "-n", "team-parity", "-f", "-")
		if err == nil {
			return errors.New("the store guard is not in force yet")
		}
		if !strings.Contains(err.Error(), "outside namespace team-parity") {
			return err
		}
		return nil
	})
	for name, doc := range cases {
		_, apiErr := asDev(doc, "create", "--dry-run=server", "-n", "team-parity", "-f", "-")
		js, _ := s.run(s.paveBin, "", "check", "--as-team", "--policy", policyFile, "-n", "team-parity", "--namespace-labels", "pave.dev/zone=internal", "-o", "json", "-f", writeTemp(t, doc))
		var rep struct{ Objects []struct{ Allowed bool } }
		if err := json.Unmarshal([]byte(js), &rep); err != nil || len(rep.Objects) != 1 {
			t.Fatalf("%s: pave check: %v\n%s", name, err, js)
		}
		if rep.Objects[0].Allowed != (apiErr == nil) {
			t.Errorf("%s: pave check --as-team allowed=%t, the API server as a team member: %v", name, rep.Objects[0].Allowed, apiErr)
		}
	}
}
