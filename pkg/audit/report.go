package audit

import (
	"strconv"
	"time"

	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policyreportv1alpha2 "github.com/kyverno/kyverno/api/policyreport/v1alpha2"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// ReportName is the name of the report pave keeps in each namespace; Source
// is the source of its results, as policy-reporter groups them.
const (
	ReportName = v1alpha1.AuditReportName
	Source     = "pave"
)

// Properties of a report result beyond the common fields.
const (
	PropOutcome   = "outcome"
	PropCount     = "count"
	PropFirstSeen = "firstSeen"
	PropLastSeen  = "lastSeen"
	PropLastUser  = "lastUser"
	PropField     = "field"
	PropFix       = "fix"
)

// status is a result's status in both report APIs: a denial or an
// audit-mode finding fails, a warning warns, a waived finding is skipped.
func status(o policy.Outcome) string {
	switch o {
	case policy.OutcomeWarn:
		return "warn"
	case policy.OutcomeWaived:
		return "skip"
	case OutcomePass:
		return "pass"
	}
	return "fail"
}

// OpenReport is a namespace's report in the OpenReports format.
func OpenReport(namespace string, results []Result) *openreportsv1alpha1.Report {
	rep := &openreportsv1alpha1.Report{
		TypeMeta:   metav1.TypeMeta{APIVersion: openreportsv1alpha1.SchemeGroupVersion.String(), Kind: "Report"},
		ObjectMeta: reportMeta(namespace),
		Source:     Source,
	}
	for _, r := range results {
		res := openreportsv1alpha1.ReportResult{
			Source: Source, Policy: Source, Rule: r.Rule, Category: r.Category,
			Severity:    openreportsv1alpha1.ResultSeverity(r.Severity),
			Timestamp:   metav1.Timestamp{Seconds: r.LastSeen.Unix()},
			Result:      openreportsv1alpha1.Result(status(r.Outcome)),
			Subjects:    []corev1.ObjectReference{{APIVersion: r.APIVersion, Kind: r.Kind, Namespace: namespace, Name: r.Name}},
			Description: r.Message,
			Properties:  properties(r),
		}
		count(&rep.Summary.Pass, &rep.Summary.Fail, &rep.Summary.Warn, &rep.Summary.Skip, string(res.Result))
		rep.Results = append(rep.Results, res)
	}
	return rep
}

// PolicyReport is a namespace's report in the wgpolicyk8s.io format.
func PolicyReport(namespace string, results []Result) *policyreportv1alpha2.PolicyReport {
	rep := &policyreportv1alpha2.PolicyReport{
		TypeMeta:   metav1.TypeMeta{APIVersion: policyreportv1alpha2.SchemeGroupVersion.String(), Kind: "PolicyReport"},
		ObjectMeta: reportMeta(namespace),
	}
	for _, r := range OpenReport(namespace, results).Results {
		res := policyreportv1alpha2.PolicyReportResult{
			Source: r.Source, Policy: r.Policy, Rule: r.Rule, Category: r.Category,
			Severity: policyreportv1alpha2.PolicySeverity(r.Severity), Timestamp: r.Timestamp,
			Result: policyreportv1alpha2.PolicyResult(r.Result), Resources: r.Subjects, Message: r.Description, Properties: r.Properties,
		}
		count(&rep.Summary.Pass, &rep.Summary.Fail, &rep.Summary.Warn, &rep.Summary.Skip, string(res.Result))
		rep.Results = append(rep.Results, res)
	}
	return rep
}

func reportMeta(namespace string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: ReportName, Namespace: namespace, Labels: map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave}}
}

func count(pass, fail, warn, skip *int, result string) {
	switch result {
	case "pass":
		*pass++
	case "fail":
		*fail++
	case "warn":
		*warn++
	case "skip":
		*skip++
	}
}

func properties(r Result) map[string]string {
	p := map[string]string{
		PropOutcome:   string(r.Outcome),
		PropCount:     strconv.FormatInt(r.Count, 10),
		PropFirstSeen: r.FirstSeen.UTC().Format(time.RFC3339),
		PropLastSeen:  r.LastSeen.UTC().Format(time.RFC3339),
	}
	for k, v := range map[string]string{PropLastUser: r.LastUser, PropField: r.Field, PropFix: r.Fix} {
		if v != "" {
			p[k] = v
		}
	}
	return p
}

// FromOpenReport reads pave's results back from a report (those of other
// sources are left out).
func FromOpenReport(rep *openreportsv1alpha1.Report) []Result {
	var out []Result
	for _, r := range rep.Results {
		if r.Source != Source {
			continue
		}
		out = append(out, result(r.Category, r.Rule, string(r.Severity), r.Description, r.Subjects, r.Properties))
	}
	return out
}

// FromPolicyReport reads pave's results back from a PolicyReport.
func FromPolicyReport(rep *policyreportv1alpha2.PolicyReport) []Result {
	var out []Result
	for _, r := range rep.Results {
		if r.Source != Source {
			continue
		}
		out = append(out, result(r.Category, r.Rule, string(r.Severity), r.Message, r.Resources, r.Properties))
	}
	return out
}

func result(category, rule, severity, message string, subjects []corev1.ObjectReference, p map[string]string) Result {
	r := Result{Key: Key{Category: category, Rule: rule}, Severity: severity, Message: message,
		Outcome: policy.Outcome(p[PropOutcome]), LastUser: p[PropLastUser], Field: p[PropField], Fix: p[PropFix]}
	if len(subjects) > 0 {
		r.APIVersion, r.Kind, r.Name = subjects[0].APIVersion, subjects[0].Kind, subjects[0].Name
	}
	r.Count, _ = strconv.ParseInt(p[PropCount], 10, 64)
	r.FirstSeen, _ = time.Parse(time.RFC3339, p[PropFirstSeen])
	r.LastSeen, _ = time.Parse(time.RFC3339, p[PropLastSeen])
	return r
}
