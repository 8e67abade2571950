package e2e

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The store holds every namespace's Secrets, and the External Secrets
// Operator's chart gives the edit role ExternalSecrets and PushSecrets: a
// team member must not read or overwrite another namespace's keys with
// objects of their own. Their own keys and their own SecretStores stay
// theirs; the platform team (system:masters here) may name any key.
func TestTeamMemberCannotReachAnotherNamespacesSecrets(t *testing.T) {
	usePolicy(t, "{secrets: {store: org-vault}}")
	teamNamespace(t, "team-keys")
	esoEditRoles(t)
	es := func(name, spec string) string {
		return "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: " + name + "}\nspec:\n" + spec
	}
	const platformStore = "  secretStoreRef: {kind: ClusterSecretStore, name: org-vault}\n"
	other := es("other", platformStore+"  data: [{secretKey: password, remoteRef: {key: team-other/db, property: password}}]\n")
	eventually(t, 30*time.Second, func() error { // the edit role aggregated ESO's rules, and the guard reaches the API server
		_, err := asDev(other, "create", "--dry-run=server", "-n", "team-keys", "-f", "-")
		if err == nil {
			return errors.New("a team member's ExternalSecret read another namespace's key")
		}
		if !strings.Contains(err.Error(), "outside namespace team-keys") {
			return err
		}
		return nil
	})

	reaching := map[string]struct{ doc, want string }{
		"data": {other, "ExternalSecret other names key team-other/db of ClusterSecretStore org-vault in spec.data, outside namespace team-keys"},
		"extract": {es("climb", platformStore+"  dataFrom: [{extract: {key: team-keys/../team-other/db}}]\n"),
			"names key team-keys/../team-other/db of ClusterSecretStore org-vault in spec.dataFrom"},
		"find": {es("search", platformStore+"  dataFrom: [{find: {name: {regexp: .*}}}]\n"),
			"ExternalSecret search searches ClusterSecretStore org-vault (spec.dataFrom.find)"},
		// The ExternalSecret's own store is the namespace's; one item reads the platform's.
		"item's store": {es("item", "  secretStoreRef: {kind: SecretStore, name: mine}\n  data: [{secretKey: k, remoteRef: {key: team-other/db}, sourceRef: {storeRef: {kind: ClusterSecretStore, name: org-vault}}}]\n"),
			"names key team-other/db of ClusterSecretStore org-vault in spec.data"},
		"v1beta1": {strings.Replace(other, "external-secrets.io/v1", "external-secrets.io/v1beta1", 1), "names key team-other/db"},
		"push": {pushSecret("overwrite", "[{kind: ClusterSecretStore, name: org-vault}]", "team-other/db"),
			"PushSecret overwrite names key team-other/db of ClusterSecretStore org-vault in spec.data"},
		"push by labels": {pushSecret("overwrite", "[{kind: ClusterSecretStore, labelSelector: {matchLabels: {tier: shared}}}]", "team-other/db"),
			"names key team-other/db"},
	}
	for name, c := range reaching {
		_, err := asDev(c.doc, "create", "-n", "team-keys", "-f", "-")
		if err == nil {
			t.Errorf("%s: admitted", name)
			continue
		}
		mustContain(t, err.Error(), c.want)
	}
	if out, _ := s.kubectl("get", "-n", "team-keys", "externalsecrets,pushsecrets", "-o", "name"); out != "" {
		t.Errorf("stored: %s", out)
	}

	admitted := map[string]string{
		"own key":          es("own", platformStore+"  data: [{secretKey: password, remoteRef: {key: team-keys/db, property: password}}]\n  dataFrom: [{extract: {key: team-keys/api}}]\n"),
		"own SecretStore":  es("own-store", "  secretStoreRef: {kind: SecretStore, name: org-vault}\n  dataFrom: [{find: {name: {regexp: .*}}}]\n"),
		"push to own keys": pushSecret("backup", "[{kind: ClusterSecretStore, name: org-vault}]", "team-keys/db"),
		"no spec":          "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: empty}\n",
		"no store name":    es("unnamed", "  secretStoreRef: {kind: ClusterSecretStore}\n  data: [{secretKey: k, remoteRef: {key: team-other/db}, sourceRef: {storeRef: {kind: ClusterSecretStore}}}]\n"),
	}
	for name, doc := range admitted {
		if _, err := asDev(doc, "create", "-n", "team-keys", "-f", "-"); err != nil {
			t.Errorf("%s was refused: %v", name, err)
		}
	}
	shared := es("shared", platformStore+"  data: [{secretKey: token, remoteRef: {key: shared/registry}}]\n")
	if _, err := s.kubectlIn(shared, "create", "-n", "team-keys", "-f", "-"); err != nil {
		t.Errorf("the platform team's ExternalSecret was refused: %v", err)
	}
	// The operator writes what the platform's ClusterExternalSecrets ask,
	// in every namespace they select, under its service account (bound here
	// as the chart binds it, with rights to write them).
	bind := "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: eso-writes, namespace: team-keys}\n" +
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: eso-external-secrets-edit}\n" +
		"subjects: [{kind: ServiceAccount, name: external-secrets, namespace: external-secrets}]\n"
	if _, err := s.kubectlIn(bind, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	fromCluster := es("from-cluster", platformStore+"  data: [{secretKey: token, remoteRef: {key: shared/registry}}]\n")
	if _, err := s.kubectlIn(fromCluster, "--as", "system:serviceaccount:external-secrets:external-secrets", "--as-group", "system:serviceaccounts",
		"--as-group", "system:serviceaccounts:external-secrets", "create", "-n", "team-keys", "-f", "-"); err != nil {
		t.Errorf("the operator's ExternalSecret for a ClusterExternalSecret was refused: %v", err)
	}
}

func pushSecret(name, stores, key string) string {
	return "apiVersion: external-secrets.io/v1alpha1\nkind: PushSecret\nmetadata: {name: " + name + "}\nspec:\n  secretStoreRefs: " + stores +
		"\n  selector: {secret: {name: db}}\n  data: [{match: {secretKey: password, remoteRef: {remoteKey: " + key + "}}}]\n"
}

// esoEditRoles installs the ClusterRoles by which the External Secrets
// Operator's chart gives the edit role its objects, as the chart renders
// them (without its optional dependency, which it does not enable).
func esoEditRoles(t *testing.T) {
	t.Helper()
	dir, err := moduleDir(externalSecretsModule)
	if err != nil {
		t.Fatal(err)
	}
	chart := filepath.Join(t.TempDir(), "external-secrets")
	if err := os.CopyFS(chart, os.DirFS(filepath.Join(dir, "deploy", "charts", "external-secrets"))); err != nil {
		t.Fatal(err)
	}
	meta, err := os.ReadFile(filepath.Join(chart, "Chart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	meta = regexp.MustCompile(`(?ms)^dependencies:.*`).ReplaceAll(meta, nil)
	if err := os.WriteFile(filepath.Join(chart, "Chart.yaml"), meta, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := s.helm("template", "eso", chart, "--show-only", "templates/rbac.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, doc := range strings.Split(out, "\n---") {
		if strings.Contains(doc, "kind: ClusterRole\n") && strings.Contains(doc, `rbac.authorization.k8s.io/aggregate-to-edit: "true"`) {
			roles = append(roles, doc)
		}
	}
	if len(roles) != 2 {
		t.Fatalf("the chart's edit roles: %d, want view and edit:\n%s", len(roles), out)
	}
	if _, err := s.kubectlIn(strings.Join(roles, "\n---\n"), "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
}
