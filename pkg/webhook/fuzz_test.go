package webhook_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/webhook"
)

// FuzzHandler drives AdmissionReview bytes through both handlers under each
// mesh mode and asserts what must hold for any request: no panic, a mutating
// answer whose patch applies to the object as sent, and a validating answer
// for the patched object. Seeded from the golden inputs as CREATEs, as
// UPDATEs of themselves and as ephemeral-container updates.
func FuzzHandler(f *testing.F) {
	inputs, _ := filepath.Glob("../engine/testdata/golden/*/input.yaml")
	inputs = append(inputs, "../../test/e2e/testdata/hostile.yaml")
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		raw, err := yaml.YAMLToJSON(data)
		if err != nil {
			continue
		}
		for _, op := range []string{"CREATE", "UPDATE"} {
			f.Add(review(f, op, "", raw))
		}
		if strings.Contains(string(raw), `"kind":"Pod"`) {
			f.Add(review(f, "UPDATE", webhook.SubresourceEphemeral, raw))
		}
	}
	// The kinds the config entry sends without a pod template, which the
	// rules read unstructured: a gateway's VirtualService, a team's
	// PodMonitor and PrometheusRule; a ListenerSet and a TLSRoute; and a
	// dashboard ConfigMap, whose JSON the rules read.
	for _, raw := range []string{
		`{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"a","namespace":"shop","labels":{"app.kubernetes.io/managed-by":"pave"}},"spec":{"hosts":["Shop.example.com","web","*"],"gateways":["istio-system/public","mesh"],"exportTo":["."]}}`,
		`{"apiVersion":"monitoring.coreos.com/v1","kind":"PodMonitor","metadata":{"name":"m","namespace":"shop"},"spec":{"namespaceSelector":{"any":true,"matchNames":["pay"]},"podTargetLabels":["namespace"],"podMetricsEndpoints":[{"honorLabels":true,"relabelings":[{"action":"labelmap","regex":"(.+)"},{"targetLabel":"${1}"}]}]}}`,
		`{"apiVersion":"monitoring.coreos.com/v1","kind":"PrometheusRule","metadata":{"name":"r","namespace":"shop"},"spec":{"groups":[{"name":"g","rules":[{"record":"pave_slo:x","expr":"label_replace(up, \"namespace\", \"pay\", \"\", \"\")","labels":{"namespace":"pay"}},{"alert":"A","expr":7}]}]}}`,
		`{"apiVersion":"gateway.networking.k8s.io/v1","kind":"ListenerSet","metadata":{"name":"l","namespace":"shop"},"spec":{"parentRef":{"name":"g"},"listeners":[{"name":"a","port":443,"protocol":"HTTPS","hostname":"Shop.example.com"},{"name":"b","port":80,"protocol":"HTTP"},{"name":"c","port":5432,"protocol":"TCP","hostname":""}]}}`,
		`{"apiVersion":"gateway.networking.k8s.io/v1","kind":"TLSRoute","metadata":{"name":"t","namespace":"shop"},"spec":{"hostnames":["*.example.com","*"]}}`,
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d","namespace":"shop","labels":{"grafana_dashboard":"0"}},"data":{"pave_pay_web.json":"{\"uid\":\"PAVE-1\",\"Uid\":2,\"title\":\"Pay / Web\"}","pave_":"[","x.json":"{\"title\":7}"},"binaryData":{"pave_pay.json":"eyJ1aWQiOiJwYXZlLSJ9"}}`,
	} {
		f.Add(review(f, "CREATE", "", []byte(raw)))
	}
	type pair struct {
		m *webhook.Mutate
		v *webhook.Validate
	}
	var modes []pair
	for _, mode := range []string{"off", "istio", "delegate", "cilium"} {
		m, v := handlersWithPolicy(f, `spec: {mesh: {mode: "`+mode+`"}}`)
		modes = append(modes, pair{m, v})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ar admissionv1.AdmissionReview
		if err := json.Unmarshal(data, &ar); err != nil || ar.Request == nil {
			return
		}
		req := admission.Request{AdmissionRequest: *ar.Request}
		for _, h := range modes {
			resp := h.m.Handle(context.Background(), req)
			obj := req.Object.Raw
			if resp.Allowed && len(patchOps(t, resp)) > 0 {
				obj = []byte(applyPatch(t, req.Object.Raw, patchOps(t, resp)))
			}
			patched := req
			patched.Object = runtime.RawExtension{Raw: obj}
			h.v.Handle(context.Background(), patched)
		}
	})
}

func review(tb testing.TB, op, subresource string, raw []byte) []byte {
	tb.Helper()
	var tm struct{ APIVersion, Kind string }
	_ = json.Unmarshal(raw, &tm)
	group, version, found := strings.Cut(tm.APIVersion, "/")
	if !found {
		group, version = "", tm.APIVersion
	}
	req := map[string]any{
		"uid": "1", "operation": op, "namespace": "shop", "subResource": subresource,
		"kind":     map[string]string{"group": group, "version": version, "kind": tm.Kind},
		"object":   json.RawMessage(raw),
		"userInfo": map[string]any{"username": "dev"},
	}
	if op == "UPDATE" {
		req["oldObject"] = json.RawMessage(raw)
	}
	js, err := json.Marshal(map[string]any{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req})
	if err != nil {
		tb.Fatal(err)
	}
	return js
}
