package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Istio's gateway chart installed where pave governs, in a public zone with
// the mesh delegated to Istio's injector: its istio-proxy container holds
// the image "auto", which Istio's injector replaces at each Pod's creation.
// pave denied the Deployment for an image without a tag, and for the
// proxy's own port and user. Now the template is admitted and the Pod is
// judged with the image Istio gives it; this cluster runs no Istio
// injector, so the ReplicaSet's Pod is denied, saying so. The gateway's
// pods run no sidecar, so its DestinationRule leaves TLS to Istio's auto
// mTLS: ISTIO_MUTUAL would fail every meshed caller of the gateway.
func TestIstiosGatewayChartIsAdmitted(t *testing.T) {
	const ns = "istio-gateway"
	namespace(t, ns, map[string]string{"pave.dev/team": "platform", "pave.dev/zone": "public"})
	usePolicy(t, "{mesh: {mode: delegate}}")
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("apply", "--dry-run=server", "-n", ns, "-o", `jsonpath={.spec.template.metadata.labels.sidecar\.istio\.io/inject}`, "-f", "testdata/plain.yaml")
		if err != nil || out != "true" {
			return fmt.Errorf("delegate mode not in force yet: %q %v", out, err)
		}
		return nil
	})
	if out, err := s.kubectl("apply", "-n", ns, "-f", "testdata/istio-gateway.yaml"); err != nil {
		t.Fatalf("Istio's gateway chart: %v\n%s", err, out)
	}
	eventually(t, 60*time.Second, func() error {
		out, err := s.kubectl("get", "events", "-n", ns, "--field-selector", "reason=FailedCreate", "-o", "jsonpath={.items[*].message}")
		if err != nil || !strings.Contains(out, `[image-pinned] spec.containers[0].image`) || !strings.Contains(out, "this Pod came through without it") {
			return fmt.Errorf("the gateway's Pod, without Istio's injector: %q %v", out, err)
		}
		return nil
	})
	eventually(t, 30*time.Second, func() error {
		_, err := s.kubectl("get", "-n", ns, "destinationrule/pave-istio-ingressgateway")
		return err
	})
	dr := getJSON(t, "-n", ns, "destinationrule", "pave-istio-ingressgateway")
	if tls := at(dr, "spec", "trafficPolicy", "tls"); tls != nil || at(dr, "spec", "trafficPolicy", "outlierDetection") == nil {
		t.Errorf("the gateway's DestinationRule: %v, want its traffic policy without TLS", at(dr, "spec"))
	}
}
