package audit

import (
	"context"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// A flush of findings on cluster-scoped objects only, which go to no
// namespace's report, reads nothing from the API server: not the report
// guard either. One with a namespace's findings reads the guard and writes
// the report.
func TestAFlushWithoutNamespacedFindingsReadsNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		req   Request
		calls bool
	}{
		{"cluster-scoped only", Request{Time: t0, Operation: "CREATE", APIVersion: "v1", Kind: "Namespace", Name: "shop"}, false},
		{"a namespace's", Request{Time: t0, Operation: "CREATE", APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "api"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			count := interceptor.Funcs{
				Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
					calls++
					return c.Get(ctx, key, obj, opts...)
				},
				List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
					calls++
					return c.List(ctx, list, opts...)
				},
			}
			c := fakeClientWith(t, count, guardAt(t0, t0)...)
			b := NewBook(10)
			rec, ok := New(builtIn, tc.req, []policy.Violation{violation("registry", v1alpha1.ModeEnforce)})
			if !ok {
				t.Fatal("no record")
			}
			b.Add(rec)
			w := &Writer{Store: Store{Reader: c, Writer: c}, Drain: b.Drain, Policy: func() *policy.Policy { return builtIn }, Served: served, Log: log.Log}
			w.Flush(context.Background())
			if got := calls > 0; got != tc.calls {
				t.Errorf("%d reads, want reads: %v", calls, tc.calls)
			}
			if tc.calls {
				if rep := openReport(t, c, "shop"); len(rep.Results) != 1 {
					t.Errorf("report %+v", rep.Results)
				}
			}
		})
	}
}
