package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// With a store in the policy, every Secret a workload reads is delivered by
// an ExternalSecret the real CRD schema accepts, owned by the workload, so
// the garbage collector removes it with the workload.
func TestSecretsAreDeliveredFromTheStore(t *testing.T) {
	namespace(t, "secrets", map[string]string{"pave.dev/team": "secrets"})
	usePolicy(t, "{secrets: {store: org-vault, refreshInterval: 15m}}")
	app := `apiVersion: apps/v1
kind: Deployment
metadata: {name: billing}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: billing}}
  template:
    metadata: {labels: {app.kubernetes.io/name: billing}}
    spec:
      containers:
      - name: billing
        image: registry.example.com/billing:3.2.1
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
        env:
        - name: DB_PASSWORD
          valueFrom: {secretKeyRef: {name: db-credentials, key: password}}
`
	eventually(t, 30*time.Second, func() error {
		out, err := combinedKubectl("apply", "--dry-run=server", "-n", "secrets", "-f", writeTemp(t, app))
		if err != nil || !contains(out, "ExternalSecret secrets/pave-billing-db-credentials") {
			return fmt.Errorf("the store is not in force: %s %v", out, err)
		}
		return nil
	})
	if _, err := s.kubectlIn(app, "apply", "-n", "secrets", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, jsonpathIs([]string{"-n", "secrets", "externalsecret", "pave-billing-db-credentials"},
		"{.spec.secretStoreRef.name}/{.spec.refreshInterval}/{.spec.dataFrom[0].extract.key}/{.metadata.ownerReferences[0].kind}", "org-vault/15m0s/secrets/db-credentials/Deployment"))
	// The store holds no such entry (as the operator reports it): the team
	// hears it on their Deployment, with the fix.
	notDelivered := `{"status":{"conditions":[{"type":"Ready","status":"False","reason":"SecretSyncedError","message":"could not get secret data from provider"}]}}`
	if _, err := s.kubectl("patch", "-n", "secrets", "externalsecret", "pave-billing-db-credentials", "--subresource=status", "--type=merge", "-p", notDelivered); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		if ev := events("secrets"); !contains(ev, "CompanionNotReady") || !contains(ev, "put the Secret's keys in store org-vault at secrets/db-credentials") {
			return fmt.Errorf("no event for the undelivered Secret: %s", ev)
		}
		return nil
	})
	if _, err := s.kubectl("delete", "-n", "secrets", "deployment", "billing"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, func() error {
		if out, _ := s.kubectl("get", "-n", "secrets", "externalsecret", "pave-billing-db-credentials", "--ignore-not-found", "-o", "name"); out != "" {
			return fmt.Errorf("the ExternalSecret outlived its workload")
		}
		return nil
	})
}

// A secret written into a ConfigMap is refused like one written into a
// workload; the ConfigMap the control plane writes into every namespace
// still lands, through the same webhook.
func TestSecretsInConfigMapsAreRefused(t *testing.T) {
	teamNamespace(t, "configs")
	eventually(t, 30*time.Second, func() error {
		_, err := s.kubectl("get", "-n", "configs", "configmap", "kube-root-ca.crt")
		return err
	})
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {LOG_LEVEL: debug, DB_PASSWORD: hunter2hunter2}\n"
	_, err := asDev(cm, "apply", "-n", "configs", "-f", "-")
	denied(t, "a ConfigMap holding a password", err, "[no-literal-secrets] data[DB_PASSWORD]")
	absent(t, "configs", "configmap", "app")
	if _, err := asDev("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {LOG_LEVEL: debug}\n", "apply", "-n", "configs", "-f", "-"); err != nil {
		t.Fatalf("a plain ConfigMap: %v", err)
	}

	// A configuration file's password line, as a Spring service mounts it;
	// the same file with a placeholder, which the service fills in from an
	// env var read with secretKeyRef, lands.
	props := func(password string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shop-config}\ndata:\n  application.properties: |\n    server.port=8080\n    spring.datasource.password=" + password + "\n"
	}
	_, err = asDev(props("Sup3rS3cret!"), "apply", "-n", "configs", "-f", "-")
	denied(t, "a ConfigMap whose properties file sets a password", err, "[no-literal-secrets] data[application.properties]")
	if err != nil && strings.Contains(err.Error(), "Sup3rS3cret") {
		t.Errorf("the denial repeats the password: %v", err)
	}
	absent(t, "configs", "configmap", "shop-config")
	if _, err := asDev(props("${SPRING_DATASOURCE_PASSWORD}"), "apply", "-n", "configs", "-f", "-"); err != nil {
		t.Fatalf("the properties file with a placeholder: %v", err)
	}
}

// What pave's own service accounts write is not sent back to pave: the
// controller writes a dashboard ConfigMap for every workload, and each cost
// the API server a call to the webhook that judges ConfigMaps. The
// condition is the API server's (the impersonated service account gets its
// namespace's group as a real token does), and it names pave's namespace
// only: another namespace's service account is judged like the team member.
func TestPaveOwnWritesAreNotSentBackToIt(t *testing.T) {
	teamNamespace(t, "own-writes")
	pave, ci := "system:serviceaccount:pave-system:pave-controller", "system:serviceaccount:ci:deployer"
	rbac := `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: accounts-edit, namespace: own-writes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: ServiceAccount, name: pave-controller, namespace: pave-system}
- {kind: ServiceAccount, name: deployer, namespace: ci}
`
	if _, err := s.kubectlIn(rbac, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	// A value the no-literal-secrets rule refuses wherever pave looks.
	cm := func(name string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + "}\ndata: {DB_PASSWORD: hunter2hunter2}\n"
	}
	if _, err := s.kubectlIn(cm("from-pave"), "--as", pave, "apply", "-n", "own-writes", "-f", "-"); err != nil {
		t.Fatalf("pave's own ConfigMap was sent back to pave: %v", err)
	}
	_, err := s.kubectlIn(cm("from-ci"), "--as", ci, "apply", "-n", "own-writes", "-f", "-")
	denied(t, "another namespace's service account's ConfigMap", err, "[no-literal-secrets] data[DB_PASSWORD]")
	absent(t, "own-writes", "configmap", "from-ci")
}
