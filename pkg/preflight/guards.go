package preflight

import (
	"context"
	"fmt"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/policy"
)

// guardFindings judges the team objects there are (NetworkPolicies,
// ExternalSecrets, PushSecrets) by the ValidatingAdmissionPolicies the
// policy makes pave write: one that a guard would refuse is open today (a
// NetworkPolicy that opens a zone, an ExternalSecret that reads another
// namespace's keys of the store) and stays so, since the API server judges
// writes, not what is stored; its next change by a team member is refused.
// pave's own objects are left out: its service accounts write them.
func guardFindings(ctx context.Context, p *policy.Policy, c Cluster) ([]Finding, error) {
	if len(c.Guarded) == 0 {
		return nil, nil
	}
	vaps, err := companions.Guards(ctx, p, c.PaveNamespace)
	if err != nil {
		return nil, err
	}
	guards, err := evaluate.CompileAll(vaps)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for i := range c.Guarded {
		obj := &c.Guarded[i]
		if obj.GetLabels()[v1alpha1.LabelManagedBy] == "pave" {
			continue
		}
		gvk := obj.GroupVersionKind()
		resource, _ := meta.UnsafeGuessKindToResource(gvk)
		// Judged for a team member: anyone not the platform team, as the
		// built-in edit role's holders are.
		req := evaluate.Request{Resource: resource, Operation: admissionregistrationv1.Update, Namespace: obj.GetNamespace(),
			NamespaceLabels: c.Namespaces[obj.GetNamespace()], Object: obj.Object, OldObject: obj.Object, Groups: []string{"system:authenticated"}}
		for _, g := range guards {
			_, failed, err := g.Judge(req)
			if err != nil {
				return nil, err
			}
			if len(failed) > 0 {
				out = append(out, guardFinding(obj, g.Name(), failed))
			}
		}
	}
	return out, nil
}

func guardFinding(obj *unstructured.Unstructured, guard string, failed []string) Finding {
	return Finding{Check: "guard-would-refuse", Severity: "medium", Subject: fmt.Sprintf("%s %s/%s", obj.GetKind(), obj.GetNamespace(), obj.GetName()),
		Message: strings.Join(failed, "; ") + fmt.Sprintf(". It is in force today and stays so; pave's ValidatingAdmissionPolicy %s refuses a team member's next change to it", guard),
		Fix:     "rewrite or delete it as the message says; or, where the platform wants it, have the platform team (spec.namespaces.labelAdmins) keep it"}
}
