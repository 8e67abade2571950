package preflight

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
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
// Services, dashboards, Ingresses, cert-manager's certificates and Istio objects there
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
		res, err := eng.Run(ctx, w, env)
		if err != nil {
			return nil, fmt.Errorf("judge %s %s/%s: %w", w.Kind, ns, w.Name(), err)
		}
		if !res.Allowed() {
			out = append(out, workloadWouldBeDenied(w, res.Violations))
		}
	}
	// Services, and dashboards that take another namespace's place in
	// Grafana. pave's own dashboards are not judged, as its writes are not
	// sent to its webhook. A typed list's items carry no kind; the engine
	// picks validators by it.
	var typed []client.Object
	for i := range c.Services {
		svc := c.Services[i].DeepCopy()
		svc.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Service"))
		typed = append(typed, svc)
	}
	for i := range c.Dashboards {
		if cm := c.Dashboards[i].DeepCopy(); cm.Labels[v1alpha1.LabelManagedBy] != v1alpha1.ManagedByPave {
			cm.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("ConfigMap"))
			typed = append(typed, cm)
		}
	}
	for _, obj := range typed {
		if slices.Contains(skip, obj.GetNamespace()) {
			continue
		}
		kind := obj.GetObjectKind().GroupVersionKind().Kind
		vs, _, err := eng.ValidateObject(ctx, obj, nil, envIn(p, c, obj.GetNamespace()))
		if err != nil {
			return nil, fmt.Errorf("judge %s %s/%s: %w", kind, obj.GetNamespace(), obj.GetName(), err)
		}
		if slices.ContainsFunc(vs, policy.Violation.Denies) {
			out = append(out, wouldDeny(kind, obj.GetNamespace(), obj.GetName(), vs))
		}
	}
	// Ingresses and routes, each against the others: two teams routing one host.
	// (A VirtualService bound to a gateway routes hosts as they do.)
	routing := slices.Clone(c.Routing)
	for i := range c.Judged {
		if ingress.NamesHosts(&c.Judged[i]) {
			routing = append(routing, &c.Judged[i])
		}
	}
	routes := environment.Builder{Source: environment.Static{Namespaces: c.Namespaces, InputRouting: environment.IndexRouting(routing)}}
	for _, o := range c.Routing {
		gvk, ok := routingKind(o)
		if !ok || slices.Contains(skip, o.GetNamespace()) {
			continue
		}
		obj := o.DeepCopyObject().(client.Object) // a typed list's items carry no kind; the engine picks validators by it
		obj.GetObjectKind().SetGroupVersionKind(gvk)
		vs, err := judgeByHosts(ctx, eng, routes, p, c, obj)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(vs, policy.Violation.Denies) {
			out = append(out, wouldDeny(gvk.Kind, obj.GetNamespace(), obj.GetName(), vs))
		}
	}
	// Certificates and CertificateRequests, against the hosts routed: one
	// for another team's host.
	certs, err := certificateFindings(ctx, eng, routes, p, c, skip)
	if err != nil {
		return nil, err
	}
	out = append(out, certs...)
	// Istio's routes that reach beyond their namespace or take another
	// team's host on a gateway, mutual TLS turned down where the mesh is
	// required, and teams' series written as another namespace's. pave's
	// own are not judged, as its writes are not sent to its webhook.
	for i := range c.Judged {
		obj := c.Judged[i].DeepCopy()
		if slices.Contains(skip, obj.GetNamespace()) || obj.GetLabels()[v1alpha1.LabelManagedBy] == v1alpha1.ManagedByPave {
			continue
		}
		obj.SetGroupVersionKind(object.Equivalent(obj.GroupVersionKind()))
		env := envIn(p, c, obj.GetNamespace())
		if ingress.NamesHosts(obj) {
			if env.Routes, err = routes.Routes(ctx, obj.GetNamespace(), obj); err != nil {
				return nil, err
			}
		}
		vs, _, err := eng.ValidateObject(ctx, obj, nil, env)
		if err != nil {
			return nil, fmt.Errorf("judge %s %s/%s: %w", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
		}
		if slices.ContainsFunc(vs, policy.Violation.Denies) {
			out = append(out, wouldDeny(obj.GetKind(), obj.GetNamespace(), obj.GetName(), vs))
		}
	}
	return out, nil
}

// judgeByHosts judges obj, its kind set, against the hosts the others
// route (environment.Builder.Routes).
func judgeByHosts(ctx context.Context, eng *engine.Engine, routes environment.Builder, p *policy.Policy, c Cluster, obj client.Object) ([]policy.Violation, error) {
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

// wouldDeny is the finding for an object the policy denies.
func wouldDeny(kind, ns, name string, vs []policy.Violation) Finding {
	return Finding{Check: "policy-would-deny", Severity: "medium", Subject: fmt.Sprintf("%s %s/%s", kind, ns, name),
		Message: "runs today, but the policy denies it: " + deniedRules(vs) + ". It keeps running; its next change there is denied",
		Fix:     fmt.Sprintf("pave check the manifest for the fix of each rule (kubectl get %s -n %s %s -o yaml | pave check -f -), or grant a PolicyException", strings.ToLower(kind), ns, name)}
}

// workloadWouldBeDenied is the finding for a workload the policy denies.
// Where a denying finding is in its pod template, its running pods stay,
// but each new one is made from the template and judged, fail-closed, as
// it is created: the workload cannot scale, roll out or replace a pod lost
// with its node, which is what makes it urgent. A finding on the workload
// alone (its annotations, a StatefulSet's claim templates) waits for its
// next change, as an object's does.
func workloadWouldBeDenied(w *workload.Workload, vs []policy.Violation) Finding {
	f := wouldDeny(w.Kind, w.Meta.Namespace, w.Name(), vs)
	template := strings.TrimSuffix(w.PodSpecPath, "spec") // spec.template. (a CronJob's deeper)
	if !slices.ContainsFunc(vs, func(v policy.Violation) bool { return v.Denies() && strings.HasPrefix(v.Field, template) }) {
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
