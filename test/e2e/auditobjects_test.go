package e2e

import (
	"fmt"
	"testing"
	"time"
)

// ingressOf is an Ingress named name routing host to the Service web.
func ingressOf(name, host string) string {
	return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ` + name + `}
spec:
  rules:
  - host: ` + host + `
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
`
}

// The background audit judges the other objects pave's rules judge, not
// only workloads: a Service claiming external IPs and an Ingress taking
// another team's host, both admitted while their rules only warned, are in
// their namespace's report once the rules enforce again. Of the two teams'
// Ingresses of one host, the one made later took it.
func TestBackgroundAuditFlagsObjects(t *testing.T) {
	namespace(t, "scan-owner", map[string]string{"pave.dev/team": "scan-owner"})
	namespace(t, "scan-taker", map[string]string{"pave.dev/team": "scan-taker"})
	usePolicy(t, "{rules: [{id: service-external-ips, mode: warn}, {id: ingress-host, mode: warn}]}")
	host := "scanned.example.com"
	// Applied once the warning policy is in force: until then each is denied.
	for _, o := range []struct{ ns, doc string }{
		{"scan-owner", ingressOf("owner", host)},
		{"scan-taker", ingressOf("taker", host)},
		{"scan-taker", "apiVersion: v1\nkind: Service\nmetadata: {name: claims-ips}\nspec: {externalIPs: [203.0.113.7], ports: [{port: 80}]}\n"},
	} {
		eventually(t, 30*time.Second, func() error {
			_, err := s.kubectlIn(o.doc, "apply", "-n", o.ns, "-f", "-")
			return err
		})
	}
	usePolicy(t, "{audit: {maxResults: 1000}}") // the rules enforce again
	flagged := func(ns, rule, name string) (bool, error) {
		rows, err := auditRows(t, "scan", "-n", ns, "--rule", rule)
		if err != nil {
			return false, err
		}
		for _, r := range rows {
			if r["name"] == name && r["outcome"] == "deny" {
				return true, nil
			}
		}
		return false, nil
	}
	for _, want := range [][2]string{{"service-external-ips", "claims-ips"}, {"ingress-host", "taker"}} {
		eventually(t, 60*time.Second, func() error {
			if ok, err := flagged("scan-taker", want[0], want[1]); err != nil || !ok {
				return fmt.Errorf("%s of %s is not in the background report yet (%v)", want[0], want[1], err)
			}
			return nil
		})
	}
	// The owner's Ingress is judged against those made until it was: only
	// one made in the same second is judged to take its host.
	made := func(ns, name string) any {
		return at(getJSON(t, "ingress", "-n", ns, name), "metadata", "creationTimestamp")
	}
	want := "" // no ingress-host result
	if made("scan-owner", "owner") == made("scan-taker", "taker") {
		want = "fail"
	}
	eventually(t, 30*time.Second, func() error {
		judged, got := false, ""
		for _, r := range at(getJSON(t, "reports.openreports.io", "pave", "-n", "scan-owner"), "results").([]any) {
			if at(r, "resources", 0, "name") != "owner" || at(r, "category") != "background" {
				continue
			}
			judged = true
			if at(r, "rule") == "ingress-host" {
				got = fmt.Sprint(at(r, "result"))
			}
		}
		if !judged || got != want {
			return fmt.Errorf("the owner's Ingress: judged %v, ingress-host %q, want %q", judged, got, want)
		}
		return nil
	})
}
