package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/pave-dev/pave/internal/benchdata"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/webhook"
	"github.com/pave-dev/pave/pkg/workload"
)

// BenchmarkServe is hack/webhookbench's webhook arms in process, without TLS
// or a load generator: the compliant Deployment (one container, and 20) through
// pave's /mutate and /validate under the benchmark's policy (mesh on), and the
// floor, controller-runtime's webhook with a handler that allows everything
// given the same request, timed in the same loop. x-noop is pave's time over
// the floor's; the profile of this benchmark is the profile of pave's own
// part of a request. Each arm runs with the same Deployment again, and ("/new")
// with a series of Deployments whose containers the webhook has not seen.
// mutate-complete is /mutate given the mutated Deployment, which needs
// nothing: what a ReplicaSet's template and its Pods bring.
func BenchmarkServe(b *testing.B) {
	// controller-runtime warns, with a stack trace in the middle of the
	// benchmark's table, when its logger is used unset for 30 s.
	log.SetLogger(logr.Discard())
	pol, err := benchdata.LoadPolicy()
	if err != nil {
		b.Fatal(err)
	}
	eng, err := companions.Engine(pol)
	if err != nil {
		b.Fatal(err)
	}
	engines := &webhook.Engines{}
	engines.Store(eng)
	c := webhook.Common{Engines: engines, Deadline: time.Second, Ungoverned: []string{"pave-system"}, Decoder: workload.NewDecoder(),
		Env: environment.Builder{Source: environment.Static{Namespaces: map[string]map[string]string{"shop": {"pave.dev/team": benchdata.Team}}}, Now: time.Now}}
	mutate := webhook.Serve(&webhook.Mutate{Common: c}, log.Log)
	validate := webhook.Serve(&webhook.Validate{Common: c, Log: log.Log}, log.Log)
	noop := &admission.Webhook{Handler: admission.HandlerFunc(func(context.Context, admission.Request) admission.Response { return admission.Allowed("") })}

	number := 0
	for _, n := range []int{1, 20} {
		// The same Deployment again (as its ReplicaSet and Pods bring its
		// containers again), and ("/new") a new Deployment each time, which
		// shares only the mesh proxy with the others.
		for _, series := range []string{"", "/new"} {
			d := benchdata.Compliant(n)
			if series != "" {
				d = benchdata.Template(n)
			}
			raw, err := json.Marshal(d)
			if err != nil {
				b.Fatal(err)
			}
			in := review(b, "CREATE", "", raw)
			complete := mutated(b, mutate, in, raw)
			out := review(b, "CREATE", "", complete)
			// A Pod of the complete template, as the ReplicaSet controller
			// makes it, and as pave's mutation leaves it for validation.
			podRaw := podOf(b, complete)
			podIn := review(b, "CREATE", "", podRaw)
			podOut := review(b, "CREATE", "", mutated(b, mutate, podIn, podRaw))
			for _, arm := range []struct {
				name string
				h    http.Handler
				body []byte
			}{{"mutate", mutate, in}, {"validate", validate, out}, {"mutate-complete", mutate, out}, {"mutate-pod", mutate, podIn}, {"validate-pod", validate, podOut}} {
				b.Run(fmt.Sprintf("%s/containers=%d%s", arm.name, n, series), func(b *testing.B) {
					b.ReportAllocs()
					var floor, pave time.Duration
					for b.Loop() {
						body := arm.body
						if series != "" {
							number++
							body = benchdata.Renumber(body, number)
						}
						t0 := time.Now()
						serveRaw(noop, body)
						t1 := time.Now()
						if w := serveRaw(arm.h, body); !bytes.Contains(w.Body.Bytes(), []byte(`"allowed":true`)) {
							b.Fatalf("not allowed: %s", w.Body)
						}
						pave += time.Since(t1)
						floor += t1.Sub(t0)
					}
					b.ReportMetric(float64(pave)/float64(floor), "x-noop")
					b.ReportMetric(float64(pave.Microseconds())/float64(b.N), "µs-pave")
					b.ReportMetric(float64(floor.Microseconds())/float64(b.N), "µs-noop")
				})
			}
		}
	}
}

// podOf is the Pod the ReplicaSet controller makes of a Deployment's
// template.
func podOf(tb testing.TB, deployment []byte) []byte {
	var d appsv1.Deployment
	if err := json.Unmarshal(deployment, &d); err != nil {
		tb.Fatal(err)
	}
	t := d.Spec.Template
	t.Name, t.Namespace = d.Name+"-5d9c8f7b6-x2x4q", d.Namespace
	t.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: d.Name + "-5d9c8f7b6", UID: "u"}}
	raw, err := json.Marshal(&corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}, ObjectMeta: t.ObjectMeta, Spec: t.Spec})
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

// mutated is raw after the mutating handler's patch, as the API server sends
// it to the validating one.
func mutated(tb testing.TB, mutate http.Handler, in, raw []byte) []byte {
	resp := serveOnce(tb, mutate, in)
	if len(resp.Patch) == 0 {
		tb.Fatalf("no patch: %v", resp.Result)
	}
	patch, err := jsonpatch.DecodePatch(resp.Patch)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := patch.Apply(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func serveRaw(h http.Handler, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func serveOnce(tb testing.TB, h http.Handler, body []byte) *admissionv1.AdmissionResponse {
	w := serveRaw(h, body)
	var ar admissionv1.AdmissionReview
	if err := json.Unmarshal(w.Body.Bytes(), &ar); err != nil || ar.Response == nil {
		tb.Fatalf("answer %d %q: %v", w.Code, w.Body.String(), err)
	}
	return ar.Response
}
