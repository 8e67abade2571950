package check

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/object"
	"github.com/pave-dev/pave/pkg/policy"
)

// guarded judges o by Options.Guards, as the API server judges a create by
// a requester in Options.Groups, beside pave's own rules. Each failed
// validation is an enforced violation of the guard's name. The object is
// decoded only when a guard matches its kind.
func (j *judge) guarded(ctx context.Context, o *manifest.Object, r *Object) error {
	if len(j.guards) == 0 {
		return nil
	}
	gvk := schema.FromAPIVersionAndKind(o.APIVersion, o.Kind)
	resource, _ := meta.UnsafeGuessKindToResource(gvk)
	env, err := j.env.Env(ctx, j.opts.Engine.Policy(), environment.Request{Namespace: r.Namespace})
	if err != nil {
		return err
	}
	req := evaluate.Request{Resource: resource, Operation: admissionregistrationv1.Create, Namespace: r.Namespace,
		NamespaceLabels: env.Namespace.Labels, Groups: j.opts.Groups}
	var matched []*evaluate.Compiled
	for _, g := range j.guards {
		if g.Matches(req) {
			matched = append(matched, g)
		}
	}
	if len(matched) == 0 {
		return nil
	}
	if req.Object, err = asAdmitted(gvk, o.JSON); err != nil {
		return fmt.Errorf("%s %s: %w", o.Kind, o.Called(), err)
	}
	field := "spec" // the guards judge what a team object reaches, a Namespace's labels
	if resource.Resource == "namespaces" {
		field = "metadata.labels"
	}
	for _, g := range matched {
		_, failed, err := g.Judge(req)
		if err != nil {
			return err
		}
		for _, msg := range failed {
			r.Violations = append(r.Violations, policy.Violation{Rule: g.Name(), Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce, Field: field, Message: msg,
				Fix: "as the message says; the API server refuses it in ValidatingAdmissionPolicy " + g.Name() + " unless the platform team (spec.namespaces.labelAdmins) applies it"})
		}
	}
	r.Workload = true
	r.Allowed = r.Allowed && !slices.ContainsFunc(r.Violations, policy.Violation.Denies)
	return nil
}

// asAdmitted is the object as a ValidatingAdmissionPolicy is given it. The
// API server decodes a kind of Kubernetes' own into its Go type and
// converts that, so a field of struct type the manifest leaves out is
// there, empty: Kyverno's default-deny NetworkPolicy, written without a
// spec, has one, and has(object.spec.ingress) is false where on the
// manifest as written it fails to evaluate. A custom resource (an
// ExternalSecret) is given as written.
func asAdmitted(gvk schema.GroupVersionKind, data []byte) (map[string]any, error) {
	if !clientgoscheme.Scheme.Recognizes(gvk) {
		var m map[string]any
		return m, json.Unmarshal(data, &m)
	}
	obj, err := object.Decode(gvk, data)
	if err != nil {
		return nil, err
	}
	return runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
}
