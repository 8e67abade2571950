package preflight

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Labels by which a ClusterRole adds its rules to the built-in roles teams
// are given (the clusterrole-aggregation controller copies them in).
const (
	aggregateToEdit  = "rbac.authorization.k8s.io/aggregate-to-edit"
	aggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin"
)

// TeamRoleLabels are the labels of the ClusterRoles preflight reads (any
// one, set to "true"): those that make up the built-in edit and admin roles.
func TeamRoleLabels() []string { return []string{aggregateToEdit, aggregateToAdmin} }

// teamRoleFindings names each ClusterRole aggregated into the edit or admin
// role that lets a team write a Service's endpoints by hand. A Service that
// selects no pods goes wherever its Endpoints (or EndpointSlices) say: any
// address, another namespace's pods, the cloud's metadata server. An
// Ingress naming it makes the shared ingress controller proxy there from
// its own namespace, past the team's zone, as an ExternalName alias would
// (rule service-external-name); CVE-2021-25740. Kubernetes took Endpoints
// out of the edit role in 1.22, but a cluster upgraded from before keeps
// it, and a vendor's role can add either back.
func teamRoleFindings(roles []rbacv1.ClusterRole) []Finding {
	// The resources that say where a Service's traffic goes when the
	// Service selects no pods.
	endpointWrites := []struct{ group, resource string }{{"", "endpoints"}, {"discovery.k8s.io", "endpointslices"}}
	var out []Finding
	for _, role := range roles {
		var granted []string
		for _, w := range endpointWrites {
			if slices.ContainsFunc(role.Rules, func(r rbacv1.PolicyRule) bool { return writes(r, w.group, w.resource) }) {
				granted = append(granted, w.resource)
			}
		}
		if len(granted) == 0 {
			continue
		}
		into := "edit"
		if role.Labels[aggregateToEdit] != "true" {
			into = "admin"
		}
		out = append(out, Finding{Check: "team-role-endpoints", Severity: "high", Subject: "ClusterRole " + role.Name,
			Message: fmt.Sprintf("it gives the %s role write access to %s: a team could point a Service that selects no pods at any address, and the shared ingress controller would proxy there for the team's Ingress, past its zone (CVE-2021-25740)",
				into, strings.Join(granted, " and ")),
			Fix: fmt.Sprintf("remove %s from the write rules of ClusterRole %s (Kubernetes 1.22 and later leave them out of the built-in roles): kubectl edit clusterrole %s", strings.Join(granted, " and "), role.Name, role.Name)})
	}
	return out
}

// writes reports whether r lets its subject create or change resource of
// group (wildcards included; a rule kept to named objects still creates).
func writes(r rbacv1.PolicyRule, group, resource string) bool {
	has := func(list []string, v string) bool {
		return slices.Contains(list, v) || slices.Contains(list, rbacv1.ResourceAll)
	}
	if !has(r.APIGroups, group) || !has(r.Resources, resource) {
		return false
	}
	if len(r.ResourceNames) > 0 {
		return has(r.Verbs, "create")
	}
	return slices.ContainsFunc([]string{"create", "update", "patch"}, func(v string) bool { return has(r.Verbs, v) })
}
