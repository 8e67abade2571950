package preflight

import (
	"context"
	"fmt"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/policy"
)

// guardFindings judges the team objects there are by the
// ValidatingAdmissionPolicies the policy makes pave write, as a team
// member's change that keeps them as they are. One a guard refuses even so
// (a NetworkPolicy that opens a zone, an ExternalSecret that reads another
// namespace's keys of the store) is open today and stays so, since the API
// server judges writes, not what is stored: guard-would-refuse. One a guard
// keeps because it was there (an Ingress's configuration snippet: a guard
// that refuses only what a change adds) but refuses from a team member who
// writes it anew is in force, and nothing will ever make its team change
// it: guard-keeps. pave's own objects are left out (guardedObjects): its
// service accounts write them.
func guardFindings(ctx context.Context, p *policy.Policy, c Cluster) ([]Finding, error) {
	objs, err := guardedObjects(c)
	if err != nil || len(objs) == 0 {
		return nil, err
	}
	vaps, err := companions.Guards(ctx, p, c.Install)
	if err != nil {
		return nil, err
	}
	guards, err := evaluate.CompileAll(vaps)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for i := range objs {
		obj := &objs[i]
		gvk := obj.GroupVersionKind()
		resource, _ := meta.UnsafeGuessKindToResource(gvk)
		// Judged for a team member: anyone not the platform team, as the
		// built-in edit role's holders are.
		update := evaluate.Request{Resource: resource, Operation: admissionregistrationv1.Update, Namespace: obj.GetNamespace(),
			NamespaceLabels: c.Namespaces[obj.GetNamespace()], Object: obj.Object, OldObject: obj.Object, Groups: []string{"system:authenticated"}}
		create := update
		create.Operation, create.OldObject = admissionregistrationv1.Create, nil
		for _, g := range guards {
			_, failed, err := g.Judge(update)
			if err != nil {
				return nil, err
			}
			if len(failed) > 0 {
				out = append(out, guardFinding(obj, g.Name(), failed))
				continue
			}
			if _, failed, err = g.Judge(create); err != nil {
				return nil, err
			}
			if len(failed) > 0 {
				out = append(out, keptFinding(obj, g.Name(), failed))
			}
		}
	}
	return out, nil
}

// guardedObjects are the objects of the kinds pave's guards judge that
// preflight can find: Guarded but for pave's own, and the Ingresses among
// Routing, whose snippets the ingress guard judges. pave writes no
// Ingress, so its label on one does not make it pave's.
func guardedObjects(c Cluster) ([]unstructured.Unstructured, error) {
	out := slices.DeleteFunc(slices.Clone(c.Guarded), func(u unstructured.Unstructured) bool {
		return u.GetLabels()[v1alpha1.LabelManagedBy] == v1alpha1.ManagedByPave
	})
	for _, o := range c.Routing {
		ing, ok := o.(*networkingv1.Ingress)
		if !ok {
			continue
		}
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(ing)
		if err != nil {
			return nil, fmt.Errorf("Ingress %s/%s: %w", ing.Namespace, ing.Name, err)
		}
		u := unstructured.Unstructured{Object: m}
		u.SetGroupVersionKind(networkingv1.SchemeGroupVersion.WithKind("Ingress"))
		out = append(out, u)
	}
	return out, nil
}

func guardFinding(obj *unstructured.Unstructured, guard string, failed []string) Finding {
	return Finding{Check: "guard-would-refuse", Severity: "medium", Subject: fmt.Sprintf("%s %s/%s", obj.GetKind(), obj.GetNamespace(), obj.GetName()),
		Message: strings.Join(failed, "; ") + fmt.Sprintf(". It is in force today and stays so; pave's ValidatingAdmissionPolicy %s refuses a team member's next change to it", guard),
		Fix:     "rewrite or delete it as the message says; or, where the platform wants it, have the platform team (spec.namespaces.labelAdmins) keep it"}
}

func keptFinding(obj *unstructured.Unstructured, guard string, failed []string) Finding {
	return Finding{Check: "guard-keeps", Severity: "medium", Subject: fmt.Sprintf("%s %s/%s", obj.GetKind(), obj.GetNamespace(), obj.GetName()),
		Message: strings.Join(failed, "; ") + fmt.Sprintf(". It was there before pave's ValidatingAdmissionPolicy %s, which keeps it: a team member may edit the object while it stays, but may not write it anew, so it stays in force until someone removes it", guard),
		Fix:     "remove it as the message says; or, where the platform wants it, have the platform team (spec.namespaces.labelAdmins) own the object"}
}
