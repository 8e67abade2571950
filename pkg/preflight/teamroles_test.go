package preflight_test

import (
	"context"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/preflight"
)

// A role aggregated into edit or admin that writes a Service's endpoints
// lets a team aim the ingress controller anywhere (CVE-2021-25740); the
// built-in roles since Kubernetes 1.22 do not.
func TestTeamRolesThatWriteEndpoints(t *testing.T) {
	role := func(name, label string, rules ...rbacv1.PolicyRule) rbacv1.ClusterRole {
		return rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{label: "true"}}, Rules: rules}
	}
	const edit, admin = "rbac.authorization.k8s.io/aggregate-to-edit", "rbac.authorization.k8s.io/aggregate-to-admin"
	read := rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"endpoints", "pods"}, Verbs: []string{"get", "list", "watch"}}
	for _, c := range []struct {
		name string
		role rbacv1.ClusterRole
		want string // the finding's message names it; "" none
	}{
		{"today's built-in edit role", role("system:aggregate-to-edit", edit, read,
			rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"services", "configmaps"}, Verbs: []string{"create", "update", "patch", "delete"}}), ""},
		{"edit before Kubernetes 1.22", role("system:aggregate-to-edit", edit, read,
			rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"endpoints", "services"}, Verbs: []string{"create", "delete", "deletecollection", "patch", "update"}}),
			"the edit role write access to endpoints"},
		{"a vendor's role adding EndpointSlices to admin", role("mesh-admin", admin,
			rbacv1.PolicyRule{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: []string{"patch"}}),
			"the admin role write access to endpointslices"},
		{"every resource of every group", role("everything", edit,
			rbacv1.PolicyRule{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}),
			"write access to endpoints and endpointslices"},
		{"EndpointSlices in the wrong group", role("odd", edit,
			rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"endpointslices"}, Verbs: []string{"create"}}), ""},
		{"updates kept to one named object", role("named", edit,
			rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"endpoints"}, ResourceNames: []string{"leader"}, Verbs: []string{"update", "patch"}}), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			found, err := preflight.Run(context.Background(), policy.Default(), preflight.Cluster{TeamRoles: []rbacv1.ClusterRole{c.role}})
			if err != nil {
				t.Fatal(err)
			}
			var got []preflight.Finding
			for _, f := range found {
				if f.Check == "team-role-endpoints" {
					got = append(got, f)
				}
			}
			if c.want == "" {
				if len(got) != 0 {
					t.Fatalf("findings %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Subject != "ClusterRole "+c.role.Name || got[0].Severity != "high" ||
				!strings.Contains(got[0].Message, c.want) || !strings.Contains(got[0].Fix, "kubectl edit clusterrole "+c.role.Name) {
				t.Fatalf("findings %+v", got)
			}
		})
	}
}
