package localcluster

import (
	"fmt"
	"os"
	"path/filepath"

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
