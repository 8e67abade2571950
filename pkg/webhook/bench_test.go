package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/workload"
)

// BenchmarkHandleContainers shows the time and memory of one admission
// request against the number of containers in its pod template (issue 7,
// finding 1: the cost must be linear and bounded). Each request is a
// Deployment whose containers all break several rules, the worst case for
// the denial. The baseline, measured in the same loop, is decoding the
// AdmissionReview and the Deployment alone; x-decode is the handler's time over
// it, and ns/container should stay flat up to workload.MaxContainers; above
// it pod-size denies before any other work, so the cost falls to the decode.
func BenchmarkHandleContainers(b *testing.B) {
	m, v := handlersWithPolicy(b, `spec: {mesh: {mode: istio}}`)
	for _, n := range []int{1, 10, 100, workload.MaxContainers, 5000, 50000} {
		raw, err := yaml.YAMLToJSON([]byte(manyContainers(n)))
		if err != nil {
			b.Fatal(err)
		}
		body := review(b, "CREATE", "", raw)
		for name, h := range map[string]admission.Handler{"mutate": m, "validate": v} {
			b.Run(fmt.Sprintf("%s/containers=%d", name, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(body)))
				var decode, handle time.Duration
				for b.Loop() {
					t0 := time.Now()
					var ar admissionv1.AdmissionReview
					if err := json.Unmarshal(body, &ar); err != nil {
						b.Fatal(err)
					}
					var d appsv1.Deployment
					if err := json.Unmarshal(ar.Request.Object.Raw, &d); err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					resp := h.Handle(context.Background(), admission.Request{AdmissionRequest: *ar.Request})
					if name == "validate" && resp.Allowed {
						b.Fatal("admitted")
					}
					if name == "validate" && len(resp.Result.Message) > 64<<10 {
						b.Fatalf("denial of %d bytes", len(resp.Result.Message))
					}
					handle += time.Since(t1)
					decode += t1.Sub(t0)
				}
				b.ReportMetric(float64(handle)/float64(decode), "x-decode")
				b.ReportMetric(float64(handle.Nanoseconds())/float64(b.N)/float64(n), "ns/container")
			})
		}
	}
}
