package audit

import (
	"context"
	"strings"
	"testing"
	"time"

	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/audit/reportguard"
)

// reportAt is pave's report of ns with one denial of workload name,
// created at made.
func reportAt(ns, name string, made time.Time) *openreportsv1alpha1.Report {
	b := NewBook(10)
	b.Add(denial(ns, name, "registry", "someone", t0))
	rep := OpenReport(ns, b.Drain()[ns])
	rep.CreationTimestamp = metav1.NewTime(made)
	return rep
}

// guardAt is the report guard, its policy made at vap and its binding at
// binding.
func guardAt(vap, binding time.Time) []client.Object {
	return []client.Object{
		&admissionregistrationv1.ValidatingAdmissionPolicy{ObjectMeta: metav1.ObjectMeta{Name: reportguard.PolicyName, CreationTimestamp: metav1.NewTime(vap)}},
		&admissionregistrationv1.ValidatingAdmissionPolicyBinding{ObjectMeta: metav1.ObjectMeta{Name: reportguard.PolicyName, CreationTimestamp: metav1.NewTime(binding)}},
	}
}

// A report named pave made before the report guard came into force, as a
// team could make one before pave was installed with findings of its own,
// is not merged into: pave deletes it and starts a new one with its own
// findings. One made since (in the guard's second too) is pave's, and is
// merged into; so is every report while there is no guard.
func TestAReportMadeBeforeTheGuardIsNotMergedInto(t *testing.T) {
	guard := t0.Add(time.Hour)
	for _, tc := range []struct {
		name     string
		objs     []client.Object
		made     time.Time
		replaced bool
	}{
		{"made before the guard", guardAt(t0, guard), guard.Add(-time.Second), true},
		{"made before the guard's binding", guardAt(t0, guard), guard.Add(-time.Minute), true},
		{"made before the guard's policy, made again", guardAt(guard, t0), guard.Add(-time.Minute), true},
		{"made in the guard's second", guardAt(t0, guard), guard, false},
		{"made after the guard", guardAt(t0, guard), guard.Add(time.Minute), false},
		{"no guard", nil, guard.Add(-time.Minute), false},
		{"a guard without its binding", guardAt(t0, guard)[:1], guard.Add(-time.Minute), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forged := reportAt("shop", "forged", tc.made)
			now := guard.Add(time.Hour)
			c := fakeClientWith(t, interceptor.Funcs{Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
				obj.SetCreationTimestamp(metav1.NewTime(now)) // as the API server sets it
				return c.Create(ctx, obj, opts...)
			}}, append(tc.objs, forged)...)
			store, err := Store{Reader: c, Writer: c}.Guarded(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			b := NewBook(10)
			b.Add(denial("shop", "api", "registry", "dev", t0))
			delta := b.Drain()["shop"]
			if err := store.Update(context.Background(), v1alpha1.ReportsOpenReports, "shop", func(results []Result) []Result { return Merge(results, delta, 100) }); err != nil {
				t.Fatal(err)
			}
			var names []string
			rep := openReport(t, c, "shop")
			for _, r := range FromOpenReport(rep) {
				names = append(names, r.Name)
			}
			want := []string{"api", "forged"}
			if tc.replaced {
				want = want[:1]
				if !rep.CreationTimestamp.Equal(&metav1.Time{Time: now}) {
					t.Errorf("the report made at %s was kept", rep.CreationTimestamp)
				}
			}
			if len(names) != len(want) || names[0] != want[0] || len(want) == 2 && names[1] != want[1] {
				t.Errorf("results of %v, want %v", names, want)
			}
		})
	}
}

// pave audit leaves out a report made before the guard, and names its
// namespace; without the guard (or leave to read it) it reads every one.
func TestListLeavesOutReportsMadeBeforeTheGuard(t *testing.T) {
	guard := t0.Add(time.Hour)
	objs := append(guardAt(t0, guard), reportAt("forged", "app", guard.Add(-time.Second)), reportAt("shop", "api", guard))
	for _, tc := range []struct {
		name      string
		objs      []client.Object
		read      []string
		untrusted string
	}{
		{"guarded", objs, []string{"shop"}, "forged"},
		{"no guard", objs[2:], []string{"forged", "shop"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := fakeClient(t, tc.objs...)
			store, err := Store{Reader: c}.Guarded(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			reports, untrusted, err := store.List(context.Background(), v1alpha1.ReportsOpenReports, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(reports) != len(tc.read) || strings.Join(untrusted, ",") != tc.untrusted {
				t.Errorf("read %v, left out %v; want %v and %q", reports, untrusted, tc.read, tc.untrusted)
			}
			for _, ns := range tc.read {
				if len(reports[ns]) != 1 {
					t.Errorf("namespace %s: %v", ns, reports[ns])
				}
			}
		})
	}
}

// An API server that serves no ValidatingAdmissionPolicies has no guard:
// the writers merge as without one, and log nothing at every flush.
func TestGuardedWithoutTheKind(t *testing.T) {
	c := fakeClientWith(t, interceptor.Funcs{Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
		if _, ok := obj.(*admissionregistrationv1.ValidatingAdmissionPolicy); ok {
			return &meta.NoKindMatchError{GroupKind: admissionregistrationv1.SchemeGroupVersion.WithKind("ValidatingAdmissionPolicy").GroupKind()}
		}
		return c.Get(ctx, key, obj, opts...)
	}}, reportAt("shop", "api", t0))
	store, err := Store{Reader: c, Writer: c}.Guarded(context.Background())
	if err != nil || store.guardedSince != nil {
		t.Fatalf("guarded since %v: %v", store.guardedSince, err)
	}
	if reports, untrusted, err := store.List(context.Background(), v1alpha1.ReportsOpenReports, ""); err != nil || len(reports["shop"]) != 1 || len(untrusted) != 0 {
		t.Errorf("read %v, left out %v: %v", reports, untrusted, err)
	}
}
