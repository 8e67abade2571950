// Package rbactest reads pave's ClusterRoles from the install manifests, for
// the tests that hold them to what the code reads and writes.
package rbactest

import (
	"os"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/manifest"
)

// ClusterRoles are the ClusterRoles of the manifest file at path, by name.
func ClusterRoles(path string) (map[string]rbacv1.ClusterRole, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	roles := map[string]rbacv1.ClusterRole{}
	for _, doc := range manifest.Split(path, data) {
		var r rbacv1.ClusterRole
		if err := yaml.Unmarshal(doc.Raw, &r); err == nil && r.Kind == "ClusterRole" {
			roles[r.Name] = r
		}
	}
	return roles, nil
}

// Missing are the verbs of want the role does not grant on gvk's resource,
// and the resource's name.
func Missing(role rbacv1.ClusterRole, gvk schema.GroupVersionKind, want ...string) ([]string, string) {
	plural, _ := meta.UnsafeGuessKindToResource(gvk)
	var have []string
	for _, r := range role.Rules {
		if slices.Contains(r.APIGroups, gvk.Group) && slices.Contains(r.Resources, plural.Resource) {
			have = append(have, r.Verbs...)
		}
	}
	var missing []string
	for _, v := range want {
		if !slices.Contains(have, v) {
			missing = append(missing, v)
		}
	}
	return missing, plural.Resource + "." + gvk.Group
}
