package preflight

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/workload"
)

// tierFindings names each governed namespace labelled with a tier the
// policy does not name (it gets the default tier, silently: a typo, or a
// tier not added yet), and each that already uses more than
// the ResourceQuota pave will write it from its tier allows. The API
// server's quota admission refuses whatever would add to a resource over
// its limit: over its pods or compute, every new Pod (a rollout, a
// scale-up, a pod replaced after its node is lost); over a count, every
// new object of the kind. What runs keeps running.
// Usage is counted as the quota controller counts it, for the resources
// preflight reads: pods that have not finished and their compute
// (quota.PodUsage), the workloads pave reads, and Services. Other names in a tier (a count of Secrets, storage)
// are left to the quota.
func tierFindings(p *policy.Policy, c Cluster) []Finding {
	usage := namespaceUsage(c)
	skip := c.Ungoverned()
	var out []Finding
	for _, ns := range slices.Sorted(maps.Keys(c.Namespaces)) {
		if slices.Contains(skip, ns) {
			continue
		}
		env := envIn(p, c, ns)
		if label := quota.UnknownTier(env); label != "" {
			out = append(out, Finding{Check: "tier-unknown", Severity: "medium", Subject: "Namespace " + ns,
				Message: fmt.Sprintf("its label %s=%s names no tier of the policy (%s), so it gets %s",
					v1alpha1.LabelTier, label, strings.Join(policy.TierNames(p.Spec), ", "), policy.TierFallback(p.Spec)),
				Fix: fmt.Sprintf("label it with one of the policy's tiers (kubectl label namespace %s %s=<tier> --overwrite), or add tier %q to the policy's spec.tiers.tiers", ns, v1alpha1.LabelTier, label)})
		}
		tier, ok := quota.Of(env)
		if !ok {
			continue
		}
		var over []string
		podsRefused := false
		for _, name := range slices.Sorted(maps.Keys(tier.Quota)) {
			used, counted := usage[ns][name]
			if hard := tier.Quota[name]; counted && used.Cmp(hard) > 0 {
				over = append(over, fmt.Sprintf("%s %s, the tier allows %s", name, used.String(), hard.String()))
				podsRefused = podsRefused || (!strings.HasPrefix(string(name), "count/") && name != corev1.ResourceServices)
			}
		}
		if len(over) == 0 {
			continue
		}
		f := Finding{Check: "tier-exceeded", Severity: "medium", Subject: fmt.Sprintf("Namespace %s (tier %s)", ns, tier.Name),
			Message: fmt.Sprintf("it already uses more than ResourceQuota %s of its tier will allow: %s. What runs keeps running; the API server refuses every new object that adds to a resource over its limit",
				quota.ObjectName, strings.Join(over, "; ")),
			Fix: fmt.Sprintf("label the namespace with a tier that holds it (kubectl label namespace %s %s=<tier> --overwrite), or add one to the policy's spec.tiers", ns, v1alpha1.LabelTier)}
		if podsRefused {
			f.Severity = "high"
			f.Message += ": every new Pod there, so its workloads cannot roll out, scale up or replace a pod lost with its node"
		}
		out = append(out, f)
	}
	return out
}

// namespaceUsage is what each namespace uses of the resources tierFindings
// counts, by the names a ResourceQuota gives them.
func namespaceUsage(c Cluster) map[string]corev1.ResourceList {
	out := map[string]corev1.ResourceList{}
	add := func(ns string, name corev1.ResourceName, q resource.Quantity) {
		if out[ns] == nil {
			out[ns] = corev1.ResourceList{}
		}
		sum := out[ns][name]
		sum.Add(q)
		out[ns][name] = sum
	}
	for i := range c.Pods {
		pod := &c.Pods[i]
		if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			continue // the quota counts a finished pod no more
		}
		for name, q := range quota.PodUsage(&pod.Spec) {
			add(pod.Namespace, name, q)
		}
	}
	kinds := workload.Kinds()
	for _, w := range c.Workloads {
		if i := slices.IndexFunc(kinds, func(k workload.Kind) bool { return k.Kind == w.Kind }); i >= 0 {
			add(w.Meta.Namespace, quota.CountName(kinds[i].Resource, kinds[i].Group), quota.One())
		}
	}
	for _, b := range c.Budgets {
		add(b.Namespace, quota.CountName("poddisruptionbudgets", policyv1.GroupName), quota.One())
	}
	for _, r := range c.Routing {
		if ing, ok := r.(*networkingv1.Ingress); ok {
			add(ing.Namespace, quota.CountName("ingresses", networkingv1.GroupName), quota.One())
		}
	}
	for _, s := range c.Services {
		add(s.Namespace, corev1.ResourceServices, quota.One())
		add(s.Namespace, quota.CountName("services", ""), quota.One())
	}
	return out
}
