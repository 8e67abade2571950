package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	admissionv1 "k8s.io/api/admission/v1"
	authnv1 "k8s.io/api/authentication/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/audit"
	"github.com/pave-dev/pave/pkg/policy"
)

// BenchmarkAuditedDenials is the load run of issue 11: a flood of denials
// (a Deployment breaking four rules, from 200 workloads) through the
// validating webhook, each request timed once without the audit and once
// with it in the same loop, while the recorder's worker logs every record
// and a writer merges the findings into the namespace's report every 10 ms.
// x-unaudited is the audited handler's time over the unaudited one: the
// audit costs admission a record and a channel send, nothing it waits for.
// It also reports the report's size and the heap after the flood: both
// bounded, whatever the number of denials.
func BenchmarkAuditedDenials(b *testing.B) {
	_, plain := handlersWithPolicy(b, "")
	scheme := k8sruntime.NewScheme()
	_ = openreportsv1alpha1.AddToScheme(scheme)
	c := fake.NewClientBuilder().WithScheme(scheme).Build()
	var logged atomic.Int64
	rec := audit.NewRecorder(audit.RecorderOptions{Queue: 4096, Pending: 5000, Log: countingWriter{&logged}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = rec.Start(ctx) }()
	w := &audit.Writer{Store: audit.Store{Reader: c, Writer: c}, Drain: rec.Drain, Policy: func() *policy.Policy { return plain.Engines.Load().Policy() },
		Served: func(string) bool { return true }, Every: 10 * time.Millisecond, Log: log.Log}
	go func() { _ = w.Start(ctx) }()
	audited := *plain
	audited.Audit = rec

	reqs := make([]admission.Request, 200)
	for i := range reqs {
		raw, err := yaml.YAMLToJSON([]byte(manyContainers(1)))
		if err != nil {
			b.Fatal(err)
		}
		raw = renamed(b, raw, fmt.Sprintf("flood-%d", i))
		var ar admissionv1.AdmissionReview
		if err := json.Unmarshal(review(b, "CREATE", "", raw), &ar); err != nil {
			b.Fatal(err)
		}
		ar.Request.UserInfo = authnv1.UserInfo{Username: "mallory"}
		reqs[i] = admission.Request{AdmissionRequest: *ar.Request}
	}
	var withAudit, without time.Duration
	i := 0
	for b.Loop() {
		req := reqs[i%len(reqs)]
		i++
		t0 := time.Now()
		if plain.Handle(ctx, req).Allowed {
			b.Fatal("admitted")
		}
		t1 := time.Now()
		if audited.Handle(ctx, req).Allowed {
			b.Fatal("admitted")
		}
		withAudit += time.Since(t1)
		without += t1.Sub(t0)
	}
	b.ReportMetric(float64(withAudit)/float64(without), "x-unaudited")
	cancel()
	var rep openreportsv1alpha1.Report
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: "shop", Name: audit.ReportName}, &rep); err == nil {
		js, _ := json.Marshal(&rep)
		b.ReportMetric(float64(len(js))/1024, "report-KiB")
		b.ReportMetric(float64(len(rep.Results)), "results")
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(logged.Load()), "logged")
}

// countingWriter counts the audit log's lines and throws them away.
type countingWriter struct{ n *atomic.Int64 }

func (w countingWriter) Write(p []byte) (int, error) { w.n.Add(1); return len(p), nil }

// renamed sets the object's name.
func renamed(b *testing.B, raw []byte, name string) []byte {
	b.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		b.Fatal(err)
	}
	m["metadata"].(map[string]any)["name"] = name
	out, _ := json.Marshal(m)
	return out
}
