package audit

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/go-logr/logr"
	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyreportv1alpha2 "github.com/kyverno/kyverno/api/policyreport/v1alpha2"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/audit/reportguard"
)

// ReportKinds are the kinds of the two report formats, by format.
var ReportKinds = map[string]schema.GroupVersionKind{
	v1alpha1.ReportsOpenReports:  openreportsv1alpha1.SchemeGroupVersion.WithKind("Report"),
	v1alpha1.ReportsPolicyReport: policyreportv1alpha2.SchemeGroupVersion.WithKind("PolicyReport"),
}

// Store reads and writes pave's report of a namespace. Several writers
// share each report (every admission replica, the background audit): each
// change is read, made and written with the report's resourceVersion, and
// made again on a conflict, so no writer's counts are lost.
type Store struct {
	// Reader reads reports from the API server (not a cache: a writer must
	// start from the latest version); Writer writes them.
	Reader client.Reader
	Writer client.Writer

	// guardedSince is when the report guard came into force, nil while
	// there is none (Guarded).
	guardedSince *time.Time
}

// Guarded returns s knowing when the report guard (reportguard.Guard, a
// ValidatingAdmissionPolicy and its binding) came into force: the later
// creation of the two, each to the second. Since then only pave and the
// platform team write a report named pave. One made before it, which a
// team could have made before pave was installed, or while the guard was
// gone, with findings of its own, is not merged into: Update deletes it and
// starts a new one, and List leaves it out. Without the guard, s merges
// into what it reads, as it did before there was one. A writer asks once a
// batch of reports.
func (s Store) Guarded(ctx context.Context) (Store, error) {
	s.guardedSince = nil
	key := client.ObjectKey{Name: reportguard.PolicyName}
	var vap admissionregistrationv1.ValidatingAdmissionPolicy
	var binding admissionregistrationv1.ValidatingAdmissionPolicyBinding
	for _, obj := range []client.Object{&vap, &binding} {
		if err := s.Reader.Get(ctx, key, obj); apierrors.IsNotFound(err) || meta.IsNoMatchError(err) { // none, or an API server without the kind
			return s, nil
		} else if err != nil {
			return s, fmt.Errorf("read the report guard %s: %w", reportguard.PolicyName, err)
		}
	}
	since := vap.CreationTimestamp.Time
	if t := binding.CreationTimestamp.Time; t.After(since) {
		since = t
	}
	s.guardedSince = &since
	return s, nil
}

// guardedOr is s.Guarded for a writer's batch: when the guard cannot be
// read, it logs why and returns s, which merges into every report as
// without the guard, so the findings are still written.
func guardedOr(ctx context.Context, s Store, log logr.Logger) Store {
	guarded, err := s.Guarded(ctx)
	if err != nil {
		log.Error(err, "cannot tell reports made before the guard; merging into each as read")
	}
	return guarded
}

// untrusted reports whether obj, pave's report as read, was made before
// the report guard came into force (Guarded): in an earlier second, since
// pave itself may write a report in the guard's own second.
func (s Store) untrusted(obj client.Object) bool {
	return obj != nil && s.guardedSince != nil && obj.GetCreationTimestamp().Time.Before(*s.guardedSince)
}

// Update changes the namespace's report in format by change, which gets
// the current results (none when there is no report) and returns the new
// ones; returning them unchanged writes nothing.
func (s Store) Update(ctx context.Context, format, namespace string, change func([]Result) []Result) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		obj, results, err := s.get(ctx, format, namespace)
		if err != nil {
			return err
		}
		if s.untrusted(obj) { // its findings may be anyone's: start again from none
			if err := s.discard(ctx, obj); err != nil {
				return err
			}
			obj, results = nil, nil
		}
		next := change(results)
		if obj == nil && len(next) == 0 || obj != nil && reflect.DeepEqual(next, results) {
			return nil
		}
		fresh := build(format, namespace, next)
		if obj == nil {
			err := s.Writer.Create(ctx, fresh)
			if apierrors.IsAlreadyExists(err) { // another writer was first: read it and merge again
				return apierrors.NewConflict(schema.GroupResource{Resource: "reports"}, ReportName, err)
			}
			return err
		}
		fresh.SetResourceVersion(obj.GetResourceVersion())
		return s.Writer.Update(ctx, fresh)
	})
}

// discard deletes obj, the report as read: another writer that deleted or
// changed it first makes a conflict, and the change is made again.
func (s Store) discard(ctx context.Context, obj client.Object) error {
	uid, version := obj.GetUID(), obj.GetResourceVersion()
	err := s.Writer.Delete(ctx, obj, client.Preconditions{UID: &uid, ResourceVersion: &version})
	if apierrors.IsNotFound(err) {
		return apierrors.NewConflict(schema.GroupResource{Resource: "reports"}, ReportName, err)
	}
	if err != nil {
		return fmt.Errorf("delete report %s/%s, made before the report guard: %w", obj.GetNamespace(), obj.GetName(), err)
	}
	return nil
}

// get reads the report; obj is nil when there is none.
func (s Store) get(ctx context.Context, format, namespace string) (client.Object, []Result, error) {
	key := client.ObjectKey{Namespace: namespace, Name: ReportName}
	switch format {
	case v1alpha1.ReportsOpenReports:
		var rep openreportsv1alpha1.Report
		if err := s.Reader.Get(ctx, key, &rep); err != nil {
			return nil, nil, client.IgnoreNotFound(err)
		}
		return &rep, FromOpenReport(&rep), nil
	case v1alpha1.ReportsPolicyReport:
		var rep policyreportv1alpha2.PolicyReport
		if err := s.Reader.Get(ctx, key, &rep); err != nil {
			return nil, nil, client.IgnoreNotFound(err)
		}
		return &rep, FromPolicyReport(&rep), nil
	}
	return nil, nil, fmt.Errorf("report format %q: use %s or %s", format, v1alpha1.ReportsOpenReports, v1alpha1.ReportsPolicyReport)
}

func build(format, namespace string, results []Result) client.Object {
	if format == v1alpha1.ReportsPolicyReport {
		return PolicyReport(namespace, results)
	}
	return OpenReport(namespace, results)
}

// List reads pave's reports of format, in namespace or ("") every one, as
// their results by namespace. A Guarded store leaves out a report made
// before the guard, whose findings may be a team's, and names its
// namespace in untrusted; pave's next write there starts it again.
func (s Store) List(ctx context.Context, format, namespace string) (out map[string][]Result, untrusted []string, err error) {
	opts := []client.ListOption{client.InNamespace(namespace), client.MatchingLabels{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave}}
	out = map[string][]Result{}
	add := func(obj client.Object, results []Result) {
		switch {
		case obj.GetName() != ReportName:
		case s.untrusted(obj):
			untrusted = append(untrusted, obj.GetNamespace())
		default:
			out[obj.GetNamespace()] = results
		}
	}
	switch format {
	case v1alpha1.ReportsOpenReports:
		var list openreportsv1alpha1.ReportList
		if err := s.Reader.List(ctx, &list, opts...); err != nil {
			return nil, nil, err
		}
		for i := range list.Items {
			add(&list.Items[i], FromOpenReport(&list.Items[i]))
		}
	case v1alpha1.ReportsPolicyReport:
		var list policyreportv1alpha2.PolicyReportList
		if err := s.Reader.List(ctx, &list, opts...); err != nil {
			return nil, nil, err
		}
		for i := range list.Items {
			add(&list.Items[i], FromPolicyReport(&list.Items[i]))
		}
	default:
		return nil, nil, fmt.Errorf("report format %q: use %s or %s", format, v1alpha1.ReportsOpenReports, v1alpha1.ReportsPolicyReport)
	}
	return out, untrusted, nil
}
