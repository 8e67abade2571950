// Package reportguard keeps each namespace's audit report pave's: the
// ValidatingAdmissionPolicy the controller writes beside pkg/audit's reports.
// It is apart from package audit, which the generators' tests link.
package reportguard

import (
	"context"
	"fmt"

	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	policyreportv1alpha2 "github.com/kyverno/kyverno/api/policyreport/v1alpha2"

	"github.com/pave-dev/pave/pkg/admissionpolicy"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
)

// PolicyName names the ValidatingAdmissionPolicy that keeps each namespace's
// report pave's, and its binding.
const PolicyName = "pave-audit-reports"

// Guard generates the ValidatingAdmissionPolicy that keeps a
// namespace's report pave's own. The report holds what admission denied
// there and what the background audit found running; pave merges new
// findings into what it reads back, and pave audit and policy-reporter show
// it. Kyverno's chart aggregates the writing of PolicyReports into the
// built-in admin role, and a platform may do the same for OpenReports: a
// team could then delete its denials, edit the results, or make a report
// named pave before pave does, with findings of its own. Only pave (its
// namespace's service accounts), the platform team and, with its
// namespace, the namespace controller write a report named pave, or one
// labelled as pave's. A team's own reports stay the team's.
type Guard struct {
	v1alpha1.Install
}

// Name implements engine.ClusterGenerator.
func (Guard) Name() string { return "audit-report-guard" }

// Kinds implements engine.ClusterGenerator.
func (Guard) Kinds() []schema.GroupVersionKind { return admissionpolicy.Kinds() }

// GenerateCluster implements engine.ClusterGenerator.
func (g Guard) GenerateCluster(_ context.Context, p *policy.Policy) ([]engine.Object, error) {
	kind, gv, resource := "Report", openreportsv1alpha1.SchemeGroupVersion, "reports"
	switch p.Spec.Audit.Reports {
	case v1alpha1.ReportsOff:
		return nil, nil // pave keeps no report
	case v1alpha1.ReportsPolicyReport:
		kind, gv, resource = "PolicyReport", policyreportv1alpha2.SchemeGroupVersion, "policyreports"
	}
	if err := g.Known("audit report guard"); err != nil {
		return nil, err
	}
	trusted := admissionpolicy.PaveOrItsNamespaceGoing(p.Spec.Namespaces.LabelAdmins, g.PaveNamespace)
	labelled := func(o string) string {
		return fmt.Sprintf("%[1]s != null && has(%[1]s.metadata.labels) && %[2]q in %[1]s.metadata.labels && %[1]s.metadata.labels[%[2]q] == %[3]q",
			o, v1alpha1.LabelManagedBy, v1alpha1.ManagedByPave)
	}
	return admissionpolicy.Build(admissionpolicy.Spec{
		Name: PolicyName, Group: gv.Group, Version: gv.Version, Resources: []string{resource},
		Namespaces: admissionpolicy.Except(g.Ungoverned()),
		// Deleting it drops the denials it holds; pave starts a new one.
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update, admissionregistrationv1.Delete},
		Variables: []admissionregistrationv1.Variable{
			{Name: "trusted", Expression: trusted},
			{Name: "pave", Expression: fmt.Sprintf("request.name == %q || (%s) || (%s)", v1alpha1.AuditReportName, labelled("object"), labelled("oldObject"))},
		},
		Validations: []admissionregistrationv1.Validation{{
			Expression: "variables.trusted || !variables.pave",
			MessageExpression: fmt.Sprintf("'%s ' + request.name + ' is pave\\'s audit report of namespace ' + request.namespace + ', written by pave alone: "+
				"it records what admission denied there and what the background audit finds running, and pave audit reads it. "+
				"Fix the workload (or ask the platform team for a PolicyException) and the next scan clears its findings; "+
				"keep a report of your own under another name, without the label %s=%s'", kind, v1alpha1.LabelManagedBy, v1alpha1.ManagedByPave),
		}},
	}), nil
}
