package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// A workload that names a metrics port is scraped: a PodMonitor the real
// prometheus-operator CRD accepts, on that port, carrying the team, zone
// and cost centre onto every series. Its pods carry the version of their
// image.
func TestWorkloadsAreScraped(t *testing.T) {
	namespace(t, "scraped", map[string]string{"pave.dev/team": "scraped"})
	app := `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: api}}
  template:
    metadata: {labels: {app.kubernetes.io/name: api}}
    spec:
      containers:
      - name: api
        image: registry.example.com/api:2.0.0
        ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]
        readinessProbe: {httpGet: {path: /ready, port: http}}
`
	if _, err := s.kubectlIn(app, "apply", "-n", "scraped", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "scraped", "podmonitor", "pave-api"},
		"{.spec.podMetricsEndpoints[0].port}{.spec.podMetricsEndpoints[0].path} {.spec.podTargetLabels[2]} {.metadata.ownerReferences[0].kind}", "metrics/metrics pave.dev/team Deployment"))
	// The ReplicaSet controller's pods pass pave's admission: they carry
	// the image's tag as their version, and the namespace as part-of.
	eventually(t, 60*time.Second, jsonpathIs([]string{"-n", "scraped", "pods", "-l", "app.kubernetes.io/name=api"},
		`{.items[0].metadata.labels.app\.kubernetes\.io/version} {.items[0].metadata.labels.app\.kubernetes\.io/part-of}`, "2.0.0 scraped"))
	// Under a policy that scrapes by ServiceMonitor, the PodMonitor gives
	// way to a ServiceMonitor the operator's CRD accepts.
	usePolicy(t, "{monitoring: {scrape: ServiceMonitor}}")
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "scraped", "servicemonitor", "pave-api"},
		"{.spec.endpoints[0].targetPort} {.spec.selector.matchLabels.app\\.kubernetes\\.io/name}", "metrics api"))
	eventually(t, 30*time.Second, noneLeft("podmonitors", "scraped"))
}

// The seed service, with the metrics and SLO fields a team adds, rendered
// and applied by a team member: pave writes its PodMonitor, its SLO's
// PrometheusRule and its dashboard, and the real CRDs accept them. An SLO
// beyond the policy's bounds is denied with the range; the denial is
// counted under its rule on pave's /metrics.
func TestSeedServiceIsObserved(t *testing.T) {
	teamNamespace(t, "observed")
	seed, err := os.ReadFile("../../pkg/spec/testdata/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec := strings.Replace(string(seed), "payment:latest", "payment:1.4.2", 1) +
		"    metrics: {port: 9090}\n    slo: {availability: 99.9, latency: {p99: 500ms}, window: 30d}\n"
	rendered, err := s.run(s.paveBin, "", "render", "-f", writeTemp(t, spec))
	if err != nil {
		t.Fatalf("pave render: %v", err)
	}
	if _, err := asDev(rendered, "apply", "-n", "observed", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "observed", "podmonitor", "pave-payment-service"},
		"{.spec.podMetricsEndpoints[0].port}", "metrics"))
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "observed", "prometheusrule", "pave-payment-service-slo"},
		`{.spec.groups[0].rules[0].record} {.spec.groups[0].rules[0].labels.slo} {.metadata.ownerReferences[0].name}`,
		"pave_slo:sli_error:ratio_rate5m availability payment-service"))
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "-n", "observed", "prometheusrule", "pave-payment-service-slo", "-o", "jsonpath={.spec.groups[0].rules[*].alert}")
		if err != nil || out != "PaveSLOAvailabilityBudgetBurn PaveSLOAvailabilityBudgetBurn PaveSLOLatencyBudgetBurn PaveSLOLatencyBudgetBurn" {
			return fmt.Errorf("alerts %q (%v)", out, err)
		}
		return nil
	})
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "observed", "configmap", "pave-payment-service-dashboard"},
		"{.metadata.labels.grafana_dashboard}", "1"))
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "observed", "prometheusrule", "pave-cost"},
		"{.spec.groups[0].rules[0].record} {.spec.groups[0].rules[0].labels.team}", "pave:cost_per_hour:sum observed"))

	greedy := strings.Replace(rendered, `pave.dev/slo-availability: "99.9"`, `pave.dev/slo-availability: "99.999"`, 1)
	if greedy == rendered {
		t.Fatalf("the rendered service carries no availability annotation:\n%s", rendered)
	}
	_, err = asDev(greedy, "apply", "-n", "observed", "-f", "-")
	denied(t, "an SLO of five nines", err, "slo-bounds", "99.999% is outside the policy's range 90%–99.99%", "set a target from 90 to 99.99")
	want := `pave_admission_findings_total{mode="enforce",namespace="observed",outcome="deny",rule="slo-bounds"}`
	eventually(t, 30*time.Second, func() error {
		body, err := scrape()
		if err != nil || !strings.Contains(body, want) {
			return fmt.Errorf("/metrics lacks %s (%v)", want, err)
		}
		return nil
	})
}

// The install (manifests/deploy) and pave's own monitoring
// (manifests/monitoring) apply server-side to the real API server and CRDs.
func TestInstallManifestsApply(t *testing.T) {
	namespace(t, "pave-system", nil)
	rendered, err := s.kubectl("kustomize", "../../manifests/deploy")
	if err != nil {
		t.Fatal(err)
	}
	// The suite's own webhook configurations are named pave and point at a
	// URL; check the shipped ones under another name.
	rendered = strings.ReplaceAll(rendered, "\n  name: pave\n", "\n  name: pave-install-check\n")
	out, err := combinedKubectl("apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", writeTemp(t, rendered))
	if err != nil {
		t.Fatalf("manifests/deploy: %s %v", out, err)
	}
	mustContain(t, out, "deployment.apps/pave-webhook", "deployment.apps/pave-controller", "poddisruptionbudget.policy/pave-webhook",
		"clusterrole.rbac.authorization.k8s.io/pave-admission", "role.rbac.authorization.k8s.io/pave-controller",
		"validatingwebhookconfiguration.admissionregistration.k8s.io/pave-install-check")
	// The cert-manager overlay: its Issuers and Certificates against
	// cert-manager's real CRDs.
	rendered, err = s.kubectl("kustomize", "../../manifests/overlays/cert-manager")
	if err != nil {
		t.Fatal(err)
	}
	rendered = strings.ReplaceAll(rendered, "\n  name: pave\n", "\n  name: pave-install-check\n")
	out, err = combinedKubectl("apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", writeTemp(t, rendered))
	if err != nil {
		t.Fatalf("manifests/overlays/cert-manager: %s %v", out, err)
	}
	mustContain(t, out, "certificate.cert-manager.io/pave-webhook", "issuer.cert-manager.io/pave-ca")
	out, err = combinedKubectl("apply", "--server-side", "--dry-run=server", "-k", "../../manifests/monitoring")
	if err != nil {
		t.Fatalf("manifests/monitoring: %s %v", out, err)
	}
	mustContain(t, out, "prometheusrule.monitoring.coreos.com/pave-health", "podmonitor.monitoring.coreos.com/pave", "configmap/pave-cost-by-team")
}
