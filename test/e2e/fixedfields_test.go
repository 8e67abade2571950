package e2e

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The API server refuses any change to a Job's pod template once the Job
// exists. A Job admitted before the policy changed (here: a new proxy) can
// still be labelled, annotated and re-applied: pave completes the template at
// creation only, where before every such update was refused with the whole
// template in a "field is immutable" error.
func TestAJobIsUpdatedAfterAPolicyChange(t *testing.T) {
	teamNamespace(t, "team-job")
	meshOn(t, "team-job")
	job := `apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    metadata: {labels: {app: once}}
    spec:
      restartPolicy: Never
      containers: [{name: app, image: "nginx:1.27.3"}]
`
	if _, err := asDev(job, "apply", "-n", "team-job", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	proxy := "{.spec.template.spec.initContainers[0].image}"
	admitted, err := s.kubectl("get", "-n", "team-job", "job", "once", "-o", "jsonpath="+proxy)
	if err != nil || !strings.Contains(admitted, "proxyv2") {
		t.Fatalf("the Job's proxy: %q %v", admitted, err)
	}
	newProxy(t, "team-job")

	for _, update := range [][]string{
		{"label", "-n", "team-job", "job/once", "owner=payments"},
		{"annotate", "-n", "team-job", "job/once", "note=rerun"},
	} {
		if _, err := asDev("", update...); err != nil {
			t.Errorf("kubectl %s: %v", update[0], err)
		}
	}
	if _, err := asDev(strings.Replace(job, "name: once}", "name: once, labels: {tier: batch}}", 1), "apply", "-n", "team-job", "-f", "-"); err != nil {
		t.Errorf("re-apply: %v", err)
	}
	eventually(t, 10*time.Second, jsonpathIs([]string{"-n", "team-job", "job", "once"}, "{.metadata.labels.owner} {.metadata.labels.tier} "+proxy, "payments batch "+admitted))
}

// A StatefulSet's claim templates are fixed once it exists. One created
// without a StorageClass (here under an exception, as one from before pave)
// keeps its updates after the policy names a default class: the class is
// given at creation only, where before every update of the StatefulSet was
// refused ("updates to statefulset spec for fields other than ...").
func TestAStatefulSetIsUpdatedAfterADefaultClassAppears(t *testing.T) {
	teamNamespace(t, "team-sts")
	if _, err := s.kubectl("create", "namespace", "pave-system"); err != nil && !strings.Contains(err.Error(), "AlreadyExists") {
		t.Fatal(err)
	}
	ex := `apiVersion: pave.dev/v1alpha1
kind: PolicyException
metadata: {name: legacy-db, namespace: pave-system}
spec:
  rules: [encrypted-volumes]
  match: {namespaces: [team-sts], names: [db]}
  reason: created before the volumes were encrypted
  approvedBy: security@example.com
  expiresAt: "2099-01-01T00:00:00Z"
`
	if _, err := s.kubectlIn(ex, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = s.kubectl("delete", "policyexception", "-n", "pave-system", "legacy-db", "--ignore-not-found")
	})
	sts := readFile(t, "testdata/statefulset.yaml")
	eventually(t, 30*time.Second, func() error { // the exception reaches pave's cache
		_, err := asDev(sts, "apply", "-n", "team-sts", "-f", "-")
		return err
	})
	class := "{.spec.volumeClaimTemplates[0].spec.storageClassName}"
	usePolicy(t, "{storage: {defaultClass: sealed, encryptedClasses: [sealed]}}")
	eventually(t, 30*time.Second, func() error { // the policy is in force: a new StatefulSet gets the class
		out, err := asDev(strings.Replace(sts, "name: db}", "name: fresh}", 1), "apply", "--dry-run=server", "-n", "team-sts", "-o", "jsonpath="+class, "-f", "-")
		if err != nil || out != "sealed" {
			return fmt.Errorf("the default class is not in force yet: %q %v", out, err)
		}
		return nil
	})

	if _, err := asDev("", "set", "image", "-n", "team-sts", "statefulset/db", "db=registry.example.com/db:1.0.1"); err != nil {
		t.Fatalf("the StatefulSet's image update: %v", err)
	}
	eventually(t, 10*time.Second, jsonpathIs([]string{"-n", "team-sts", "statefulset", "db"}, "{.spec.template.spec.containers[0].image}/"+class, "registry.example.com/db:1.0.1/"))
}

// newProxy puts a proxy other than the built-in one in the policy, and waits
// until pave injects it in ns.
func newProxy(t *testing.T, ns string) {
	t.Helper()
	const image = "docker.io/istio/proxyv2:1.99.0"
	usePolicy(t, `{mesh: {mode: istio, sidecar: {container: {name: istio-proxy, image: "`+image+`", restartPolicy: Always,
  resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 1Gi}}}}}}`)
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("apply", "--dry-run=server", "-n", ns, "-o", "jsonpath={.spec.template.spec.initContainers[0].image}", "-f", "testdata/plain.yaml")
		if err != nil || out != image {
			return errors.Join(fmt.Errorf("the new proxy is not in force yet: %q", out), err)
		}
		return nil
	})
}

// A server-side apply of the team's manifest again drops what the team's
// field manager no longer sends, what pave gave the claim templates at
// creation included; pave gives it back as stored, or the API server would
// refuse the apply.
func TestAServerSideApplyKeepsWhatPaveGaveAtCreation(t *testing.T) {
	teamNamespace(t, "team-ssa")
	usePolicy(t, "{storage: {defaultClass: sealed, encryptedClasses: [sealed]}}")
	sts := readFile(t, "testdata/statefulset.yaml")
	eventually(t, 30*time.Second, func() error { // the policy is in force
		_, err := asDev(sts, "apply", "--server-side", "-n", "team-ssa", "-f", "-")
		return err
	})
	class := "{.spec.volumeClaimTemplates[0].spec.storageClassName}"
	if _, err := asDev(strings.Replace(sts, "db:1.0.0", "db:1.0.1", 1), "apply", "--server-side", "-n", "team-ssa", "-f", "-"); err != nil {
		t.Fatalf("the second server-side apply: %v", err)
	}
	eventually(t, 10*time.Second, jsonpathIs([]string{"-n", "team-ssa", "statefulset", "db"}, "{.spec.template.spec.containers[0].image} "+class, "registry.example.com/db:1.0.1 sealed"))
}
