package localcluster

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// ServiceAccountKubeconfig writes a kubeconfig into dir that reaches the API
// server as the service account namespace/name: its user name and groups, as
// a token of it authenticates, so that its RBAC bindings decide what it may do
// and the webhooks' matchConditions see it as they would in a cluster. The
// credential is a client certificate (a control plane without kubelets signs
// no tokens); the service account itself need not exist.
func (c *Cluster) ServiceAccountKubeconfig(dir, namespace, name string) (string, error) {
	user, err := c.env.AddUser(envtest.User{
		Name:   fmt.Sprintf("system:serviceaccount:%s:%s", namespace, name),
		Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + namespace},
	}, nil)
	if err != nil {
		return "", fmt.Errorf("service account %s/%s: %w", namespace, name, err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("%s.%s.kubeconfig", namespace, name))
	if err := os.WriteFile(path, kc, 0o600); err != nil {
		return "", err
	}
	return path, nil
}

// ShippedIdentity applies the RBAC pave ships (rbacFile:
// manifests/deploy/rbac.yaml), binds both of its roles' ClusterRoles and
// Roles to the service account pave-system/name, and returns a kubeconfig
// in dir that acts as it: a pave run with --role all then works within what
// an install grants, not with the admin's credentials, so a permission the
// manifests lack fails where the feature that needs it runs.
func (c *Cluster) ShippedIdentity(dir, rbacFile, name string) (string, error) {
	if _, err := c.Kubectl("", "create", "namespace", "pave-system"); err != nil && !strings.Contains(err.Error(), "AlreadyExists") {
		return "", err
	}
	if _, err := c.Kubectl("", "apply", "-f", rbacFile); err != nil {
		return "", err
	}
	var docs []string
	for _, role := range []string{"pave-admission", "pave-controller"} {
		docs = append(docs, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: %[1]s-%[2]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: %[2]s}
subjects: [{kind: ServiceAccount, name: %[1]s, namespace: pave-system}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: %[1]s-%[2]s, namespace: pave-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: %[2]s}
subjects: [{kind: ServiceAccount, name: %[1]s, namespace: pave-system}]`, name, role))
	}
	if _, err := c.Kubectl(strings.Join(docs, "\n---\n"), "apply", "-f", "-"); err != nil {
		return "", err
	}
	return c.ServiceAccountKubeconfig(dir, "pave-system", name)
}
