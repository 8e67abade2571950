package check

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
)

// guarded judges o by Options.Guards, as the API server judges a create by
// a requester in Options.Groups, and reports whether a guard took it. Each
// failed validation is an enforced violation of the guard's name.
func (j *judge) guarded(ctx context.Context, o *manifest.Object, r *Object) (bool, error) {
	if len(j.opts.Guards) == 0 {
		return false, nil
	}
	gvk := schema.FromAPIVersionAndKind(o.APIVersion, o.Kind)
	resource, _ := meta.UnsafeGuessKindToResource(gvk)
	var obj map[string]any
	if err := json.Unmarshal(o.JSON, &obj); err != nil {
		return false, fmt.Errorf("%s %s: %w", o.Kind, o.Name, err)
	}
	env, err := j.env.Env(ctx, j.opts.Engine.Policy(), environment.Request{Namespace: r.Namespace})
	if err != nil {
		return false, err
	}
	req := evaluate.Request{Resource: resource, Operation: admissionregistrationv1.Create, Namespace: r.Namespace,
		NamespaceLabels: env.Namespace.Labels, Object: obj, Groups: j.opts.Groups}
	field := "spec" // the guards judge what a team object reaches, a Namespace's labels
	if resource.Resource == "namespaces" {
		field = "metadata.labels"
	}
	took := false
	for _, vap := range j.opts.Guards {
		matched, failed, err := evaluate.Policy(vap, req)
		if err != nil {
			return false, err
		}
		took = took || matched
		for _, msg := range failed {
			r.Violations = append(r.Violations, policy.Violation{Rule: vap.Name, Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce, Field: field, Message: msg,
				Fix: "as the message says; the API server refuses it in ValidatingAdmissionPolicy " + vap.Name + " unless the platform team (spec.namespaces.labelAdmins) applies it"})
		}
	}
	if took {
		r.Workload = true
		r.Allowed = r.Allowed && !slices.ContainsFunc(r.Violations, policy.Violation.Denies)
	}
	return took, nil
}
