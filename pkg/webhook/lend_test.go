package webhook_test

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/webhook"
)

// /mutate lends the buffers its patches are encoded into: Deployments of
// different sizes mutated concurrently each get the patch they get alone.
func TestMutateLendsPatchesWithoutCrosstalk(t *testing.T) {
	m, _ := handlers(t)
	h := webhook.Serve(m, logr.Discard())
	var bodies, want [][]byte
	for n := 1; n <= 6; n++ {
		raw, err := yaml.YAMLToJSON([]byte(manyContainers(n)))
		if err != nil {
			t.Fatal(err)
		}
		body := review(t, "CREATE", "", raw)
		bodies = append(bodies, body)
		want = append(want, patchOf(t, serveRaw(h, body).Body.Bytes()))
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 60 {
				k := (w + i) % len(bodies)
				if got := patchOf(t, serveRaw(h, bodies[k]).Body.Bytes()); !bytes.Equal(got, want[k]) {
					t.Errorf("Deployment of %d containers: patch of %d bytes, alone %d", k+1, len(got), len(want[k]))
					return
				}
			}
		})
	}
	wg.Wait()
}

func patchOf(t *testing.T, answer []byte) []byte {
	t.Helper()
	var ar admissionv1.AdmissionReview
	if err := json.Unmarshal(answer, &ar); err != nil || ar.Response == nil || len(ar.Response.Patch) == 0 {
		t.Fatalf("answer %s: %v", answer, err)
	}
	return ar.Response.Patch
}
