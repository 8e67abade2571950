package main

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/audit"
	"github.com/pave-dev/pave/pkg/audit/reportguard"
	"github.com/pave-dev/pave/pkg/policy"
)

// pave audit leaves out a report made before the report guard, and says
// so. One who may not read the guard gets both reports, and is told that
// the old one cannot be told from pave's, rather than nothing.
func TestAuditSaysWhenItCannotReadTheGuard(t *testing.T) {
	guard := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	report := func(ns string, made time.Time) client.Object {
		b := audit.NewBook(10)
		rec, ok := audit.New(policy.Default(), audit.Request{Time: guard, User: "someone", Operation: "CREATE", APIVersion: "apps/v1", Kind: "Deployment", Namespace: ns, Name: "api"},
			[]policy.Violation{{Rule: "registry", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce, Field: "spec", Message: "m", Fix: "f"}})
		if !ok {
			t.Fatal("no record")
		}
		b.Add(rec)
		rep := audit.OpenReport(ns, b.Drain()[ns])
		rep.CreationTimestamp = metav1.NewTime(made)
		return rep
	}
	objs := []client.Object{
		&admissionregistrationv1.ValidatingAdmissionPolicy{ObjectMeta: metav1.ObjectMeta{Name: reportguard.PolicyName, CreationTimestamp: metav1.NewTime(guard)}},
		&admissionregistrationv1.ValidatingAdmissionPolicyBinding{ObjectMeta: metav1.ObjectMeta{Name: reportguard.PolicyName, CreationTimestamp: metav1.NewTime(guard)}},
		report("old", guard.Add(-time.Hour)),
		report("new", guard.Add(time.Hour)),
	}
	scheme, err := clusterScheme()
	if err != nil {
		t.Fatal(err)
	}
	forbidden := interceptor.Funcs{Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
		if _, ok := obj.(*admissionregistrationv1.ValidatingAdmissionPolicy); ok {
			return apierrors.NewForbidden(schema.GroupResource{Group: "admissionregistration.k8s.io", Resource: "validatingadmissionpolicies"}, key.Name, nil)
		}
		return c.Get(ctx, key, obj, opts...)
	}}
	for _, tc := range []struct {
		name  string
		funcs interceptor.Funcs
		want  []string
		says  string
	}{
		{"the guard read", interceptor.Funcs{}, []string{"new"}, "the report of namespace old is left out"},
		{"the guard forbidden", forbidden, []string{"new", "old"}, "every report is shown as read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).WithInterceptorFuncs(tc.funcs).Build()
			var stderr strings.Builder
			reports, err := trustedReports(context.Background(), c, v1alpha1.ReportsOpenReports, "", &stderr)
			if err != nil {
				t.Fatal(err)
			}
			got := slices.Sorted(maps.Keys(reports))
			if !slices.Equal(got, tc.want) {
				t.Errorf("reports of %v, want %v", got, tc.want)
			}
			if !strings.Contains(stderr.String(), tc.says) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tc.says)
			}
		})
	}
}
