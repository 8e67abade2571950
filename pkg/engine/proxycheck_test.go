package engine_test

import (
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
)

// A proxy template the policy's own rules deny is refused with the rules and
// the template's fields; the same template passes where those rules only
// warn, and the built-in proxy passes.
func TestProxyTheRulesDenyIsRefused(t *testing.T) {
	const head = "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n"
	const proxy = `  mesh:
    mode: istio
    sidecar:
      container:
        name: istio-proxy
        image: docker.io/istio/proxyv2:1.28.1
        securityContext: {capabilities: {add: [NET_ADMIN]}}
        volumeMounts: [{name: workload-socket, mountPath: /var/run/secrets/workload-spiffe-uds}, {name: host, mountPath: /host}]
      volumes: [{name: workload-socket, emptyDir: {}}, {name: host, hostPath: {path: /var/run}}]
`
	cases := []struct {
		name, doc string
		want      []string // empty: accepted
	}{
		{"the built-in proxy", head + "  mesh: {mode: istio}\n", nil},
		{"NET_ADMIN and a hostPath", head + proxy, []string{
			"[pss/capabilities_restricted] spec.mesh.sidecar.container.securityContext.capabilities:",
			"[pss/restrictedVolumes] spec.mesh.sidecar.volumes[1].hostPath:",
			"set those rules to warn in spec.rules"}},
		{"those rules only warn", head + proxy + "  rules: [{id: pss/capabilities_restricted, mode: warn}, {id: pss/restrictedVolumes, mode: warn}]\n", nil},
		{"one rule still denies", head + proxy + "  rules: [{id: pss/capabilities_restricted, mode: warn}]\n", []string{
			"[pss/restrictedVolumes] spec.mesh.sidecar.volumes[1].hostPath:"}},
		{"delegate mode: Istio's injector owns the proxy", head + strings.Replace(proxy, "mode: istio", "mode: delegate", 1), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, _, err := policy.Load("p.yaml", []byte(c.doc))
			if err != nil {
				t.Fatal(err)
			}
			_, err = engine.Default(p, engine.Companions{})
			if len(c.want) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(c.name, "one rule") && strings.Contains(err.Error(), "capabilities_restricted") {
				t.Errorf("a rule that warns is named: %v", err)
			}
		})
	}
}
