package preflight

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/object"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// denyFindings runs the engine over the workloads already running and the
// Services, PodDisruptionBudgets, dashboards, Ingresses, cert-manager's certificates and Istio objects there
// are, under the policy about to be installed: each that it would deny is
// reported.
// pave does not take away what already runs (a finding an object already
// had only warns on UPDATE), but its next change that touches those fields
// is denied, and a workload's new pods are judged as they are created: its
// controller's scale-ups, rollouts and replacements are all denied, so the
// team should know now.
func denyFindings(ctx context.Context, p *policy.Policy, c Cluster) ([]Finding, error) {
	eng, err := companions.Engine(p)
	if err != nil {
		return nil, err
	}
	skip := c.Ungoverned()
	templateOnly := map[string]bool{}
	for _, r := range eng.Rules() {
		templateOnly[r.ID] = r.TemplateOnly
	}
	var out []Finding
	for _, w := range c.Workloads {
		ns := w.Meta.Namespace
		if slices.Contains(skip, ns) {
			continue
		}
		env := envIn(p, c, ns)
		if environment.NeedsPriority(w.PodSpec) {
			if pc, ok := environment.PriorityOf(c.Priorities, w.PodSpec.PriorityClassName); ok {
				env.Priority = &pc
			}
		}
		res, err := eng.Findings(ctx, w, env)
		if err != nil {
			return nil, fmt.Errorf("judge %s %s/%s: %w", w.Kind, ns, w.Name(), err)
		}
		if !res.Allowed() {
			out = append(out, workloadWouldBeDenied(w, res.Violations, templateOnly))
		}
	}
	// Ingresses, routes, Certificates, gateway VirtualServices and Services
	// are judged against the hosts the others route or publish: two teams
	// claiming one host.
	routing := slices.Clone(c.Routing)
	for i := range c.Judged {
		if ingress.NamesHosts(&c.Judged[i]) {
			routing = append(routing, &c.Judged[i])
		}
	}
	for i := range c.Services { // the names external-dns publishes for them
		if ingress.NamesHosts(&c.Services[i]) {
			routing = append(routing, &c.Services[i])
		}
	}
	routes := environment.Builder{Source: environment.Static{Namespaces: c.Namespaces, InputRouting: environment.IndexRouting(routing)}}
	// judge reports each of objs, copies with their kind set (a typed
	// list's items carry none, and the engine picks validators by it), that
	// the policy denies, as find words it.
	judge := func(objs []client.Object, find func(kind, ns, name string, vs []policy.Violation) Finding) error {
		for _, obj := range objs {
			if slices.Contains(skip, obj.GetNamespace()) {
				continue
			}
			vs, err := judgeObject(ctx, eng, routes, p, c, obj)
			if err != nil {
				return err
			}
			if slices.ContainsFunc(vs, policy.Violation.Denies) {
				out = append(out, find(obj.GetObjectKind().GroupVersionKind().Kind, obj.GetNamespace(), obj.GetName(), vs))
			}
		}
		return nil
	}
	// Services, budgets that hold every drain of their pods' nodes,
	// dashboards that take another namespace's place in Grafana, Ingresses
	// and Gateway API routes. pave's own dashboards are not judged, as its
	// writes are not sent to its webhook.
	var objs []client.Object
	for i := range c.Services {
		svc := c.Services[i].DeepCopy()
		svc.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Service"))
		objs = append(objs, svc)
	}
	for i := range c.Budgets {
		pdb := c.Budgets[i].DeepCopy()
		pdb.SetGroupVersionKind(policyv1.SchemeGroupVersion.WithKind("PodDisruptionBudget"))
		objs = append(objs, pdb)
	}
	for i := range c.Dashboards {
		if cm := c.Dashboards[i].DeepCopy(); cm.Labels[v1alpha1.LabelManagedBy] != v1alpha1.ManagedByPave {
			cm.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("ConfigMap"))
			objs = append(objs, cm)
		}
	}
	for _, o := range c.Routing {
		if gvk, ok := routingKind(o); ok {
			obj := o.DeepCopyObject().(client.Object)
			obj.GetObjectKind().SetGroupVersionKind(gvk)
			objs = append(objs, obj)
		}
	}
	if err := judge(objs, wouldDeny); err != nil {
		return nil, err
	}
	// Certificates and CertificateRequests, against the hosts routed: one
	// for another team's host.
	if err := judge(certificateObjects(c), certificateWouldBeDenied); err != nil {
		return nil, err
	}
	// Istio's routes that reach beyond their namespace or take another
	// team's host on a gateway, mutual TLS turned down where the mesh is
	// required, teams' series written as another namespace's, and the
	// External Secrets Operator's stores and generators. pave's own are not
	// judged, as its writes are not sent to its webhook.
	objs = nil
	for i := range c.Judged {
		if obj := c.Judged[i].DeepCopy(); obj.GetLabels()[v1alpha1.LabelManagedBy] != v1alpha1.ManagedByPave {
			obj.SetGroupVersionKind(object.Equivalent(obj.GroupVersionKind()))
			objs = append(objs, obj)
		}
	}
	if err := judge(objs, wouldDeny); err != nil {
		return nil, err
	}
	return out, nil
}

// judgeObject judges obj, its kind set, and one that names hosts against
// those the others route (environment.Builder.Routes, which finds none for
// any other object).
func judgeObject(ctx context.Context, eng *engine.Engine, routes environment.Builder, p *policy.Policy, c Cluster, obj client.Object) ([]policy.Violation, error) {
	env := envIn(p, c, obj.GetNamespace())
	var err error
	if env.Routes, err = routes.Routes(ctx, obj.GetNamespace(), obj); err != nil {
		return nil, err
	}
	vs, _, err := eng.ValidateObject(ctx, obj, nil, env)
	if err != nil {
		return nil, fmt.Errorf("judge %s %s/%s: %w", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetNamespace(), obj.GetName(), err)
	}
	return vs, nil
}

// envIn is the environment an object in namespace ns is judged in.
func envIn(p *policy.Policy, c Cluster, ns string) policy.Env {
	return policy.Env{Policy: p, Namespace: policy.Namespace{Name: ns, Labels: c.Namespaces[ns]}}
}

// wouldDeny is the finding for an object the policy denies. One over a
// bound alone (label-bound, ingress-host's count: findings that measure)
// keeps the updates that do not grow it, the fix's among them.
func wouldDeny(kind, ns, name string, vs []policy.Violation) Finding {
	next := "its next change there is denied"
	if !slices.ContainsFunc(vs, func(v policy.Violation) bool { return v.Denies() && v.Measure == 0 }) {
		next = "an update that adds to what it holds over the bound is denied"
	}
	return Finding{Check: "policy-would-deny", Severity: "medium", Subject: fmt.Sprintf("%s %s/%s", kind, ns, name),
		Message: "runs today, but the policy denies it: " + deniedRules(vs) + ". It keeps running; " + next,
		Fix:     fmt.Sprintf("pave check the manifest for the fix of each rule (kubectl get %s -n %s %s -o yaml | pave check -f -), or grant a PolicyException", strings.ToLower(kind), ns, name)}
}

// workloadWouldBeDenied is the finding for a workload the policy denies.
// Where a denying finding is in its pod template, its running pods stay,
// but each new one is made from the template and judged, fail-closed, as
// it is created: the workload cannot scale, roll out or replace a pod lost
// with its node, which is what makes it urgent. A finding on the workload
// alone (its annotations, a StatefulSet's claim templates), or of a rule
// that does not judge what a controller makes from the template
// (templateOnly, by rule), waits for its next change, as an object's does.
func workloadWouldBeDenied(w *workload.Workload, vs []policy.Violation, templateOnly map[string]bool) Finding {
	f := wouldDeny(w.Kind, w.Meta.Namespace, w.Name(), vs)
	template := strings.TrimSuffix(w.PodSpecPath, "spec") // spec.template. (a CronJob's deeper)
	if !slices.ContainsFunc(vs, func(v policy.Violation) bool {
		return v.Denies() && strings.HasPrefix(v.Field, template) && !templateOnly[v.Rule]
	}) {
		return f
	}
	f.Severity = "high"
	f.Message = "runs today, but the policy denies it: " + deniedRules(vs) +
		". Its running pods keep running, but each new one is denied: it cannot scale, roll out or replace a pod lost with its node, and its next change is denied too"
	f.Fix += " before its pods need replacing"
	return f
}

// deniedRules names the rules and fields of the findings that deny.
func deniedRules(vs []policy.Violation) string {
	var rules []string
	for _, v := range vs {
		if v.Denies() {
			rules = append(rules, fmt.Sprintf("%s (%s)", v.Rule, v.Field))
		}
	}
	return strings.Join(rules, "; ")
}

// routingKind is the group, version and kind of an Ingress or route.
func routingKind(o client.Object) (schema.GroupVersionKind, bool) {
	kind := ingress.KindOf(o)
	i := slices.IndexFunc(ingress.Kinds(), func(gvk schema.GroupVersionKind) bool { return gvk.Kind == kind })
	if i < 0 {
		return schema.GroupVersionKind{}, false
	}
	return ingress.Kinds()[i], true
}
