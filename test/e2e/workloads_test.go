package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A plain Deployment from pave render is stored completed, and the Pods its
// ReplicaSet creates (kube-controller-manager, through admission) pass too.
func TestRenderedDeploymentIsCompleted(t *testing.T) {
	namespace(t, "payments", map[string]string{"pave.dev/team": "payments"})
	rendered, err := s.run(s.paveBin, "", "render", "-f", filepath.Join(s.root, "examples", "services.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.kubectlIn(rendered, "apply", "-n", "payments", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	d := getJSON(t, "-n", "payments", "deployment", "payment-service")
	for k, v := range map[string]string{"app.kubernetes.io/name": "payment-service", "pave.dev/team": "payments", "pave.dev/zone": "internal"} {
		if got := at(d, "metadata", "labels", k); got != v {
			t.Errorf("label %s = %v, want %s", k, got, v)
		}
		if got := at(d, "spec", "template", "metadata", "labels", k); got != v {
			t.Errorf("template label %s = %v, want %s", k, got, v)
		}
	}
	assertHardened(t, "deployment", at(d, "spec", "template", "spec"))

	eventually(t, 60*time.Second, func() error {
		pods := getJSON(t, "-n", "payments", "pods", "-l", "app.kubernetes.io/name=payment-service")
		items, _ := pods["items"].([]any)
		if len(items) != 3 {
			return fmt.Errorf("%d pods, want 3 (events: %s)", len(items), events("payments"))
		}
		for _, p := range items {
			assertHardened(t, "pod "+fmt.Sprint(at(p, "metadata", "name")), at(p, "spec"))
		}
		return nil
	})
}

func events(ns string) string {
	out, _ := s.kubectl("get", "events", "-n", ns, "--field-selector", "type=Warning", "-o", "custom-columns=REASON:.reason,MESSAGE:.message", "--no-headers")
	return strings.TrimSpace(out)
}

// What the platform cannot fix is denied with rule, field and fix, and
// nothing is stored.
func TestHostileDeploymentIsDenied(t *testing.T) {
	namespace(t, "payments", map[string]string{"pave.dev/team": "payments"})
	_, err := s.kubectl("apply", "-n", "payments", "-f", "testdata/hostile.yaml")
	if err == nil {
		t.Fatal("a privileged :latest Deployment with a literal secret was admitted")
	}
	mustContain(t, err.Error(),
		`admission webhook "validate.pave.dev" denied the request`,
		"pave denied Deployment payments/miner",
		"[image-pinned] spec.template.spec.containers[0].image",
		"[pss/privileged] spec.template.spec.containers[0].securityContext.privileged",
		"[pss/hostNamespaces] spec.template.spec.hostNetwork",
		"[no-literal-secrets] spec.template.spec.containers[0].env[0].value",
		"Fix: pin a version",
	)
	if strings.Contains(err.Error(), "hunter2") {
		t.Error("the denial repeats the secret")
	}
	if out, err := s.kubectl("get", "-n", "payments", "deployment", "miner", "--ignore-not-found"); err != nil || out != "" {
		t.Fatalf("the denied Deployment was stored: %q %v", out, err)
	}
}

// helm install of a chart: every workload completed; a hostile one denied.
func TestHelmInstall(t *testing.T) {
	namespace(t, "shop", map[string]string{"pave.dev/team": "shop"})
	chart := filepath.Join(s.root, "test", "chart")
	if _, err := s.helm("install", "shop", chart, "--namespace", "shop"); err != nil {
		t.Fatal(err)
	}
	for _, obj := range [][]string{{"deployment", "shop-web"}, {"statefulset", "shop-worker"}, {"job", "shop-migrate"}} {
		o := getJSON(t, "-n", "shop", obj[0], obj[1])
		assertHardened(t, obj[0]+"/"+obj[1], at(o, "spec", "template", "spec"))
		if at(o, "metadata", "labels", "pave.dev/team") != "shop" {
			t.Errorf("%s/%s: team label not taken from the namespace", obj[0], obj[1])
		}
	}
	_, err := s.helm("install", "shop-debug", chart, "--namespace", "shop", "--set", "hostile=true")
	if err == nil {
		t.Fatal("helm installed a privileged, hostPID, :latest Deployment")
	}
	mustContain(t, err.Error(), "pave denied Deployment shop/shop-debug-debug", "[pss/privileged]", "[pss/hostNamespaces] spec.template.spec.hostPID", "[image-pinned]")
}

// kubectl apply --dry-run=server shows the completed object and stores nothing.
func TestServerDryRunChangesNothing(t *testing.T) {
	namespace(t, "dry", map[string]string{"pave.dev/team": "dry"})
	out, err := s.kubectl("apply", "--dry-run=server", "-n", "dry", "-o", "json", "-f", "testdata/plain.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	assertHardened(t, "dry-run result", at(d, "spec", "template", "spec"))
	if out, err := s.kubectl("get", "-n", "dry", "deployment", "web", "--ignore-not-found"); err != nil || out != "" {
		t.Fatalf("a dry run stored the Deployment: %q %v", out, err)
	}
}

// Applying the same manifest again changes nothing: pave's mutation is
// idempotent through the real server.
func TestReapplyIsNoOp(t *testing.T) {
	namespace(t, "steady", map[string]string{"pave.dev/team": "steady"})
	if _, err := s.kubectl("apply", "-n", "steady", "-f", "testdata/plain.yaml"); err != nil {
		t.Fatal(err)
	}
	// What the user and pave write: the spec and the metadata, less what the
	// controllers keep changing meanwhile (status, the revision annotation,
	// and so resourceVersion and managedFields).
	written := func() string {
		d := getJSON(t, "-n", "steady", "deployment", "web")
		delete(d, "status")
		meta, _ := d["metadata"].(map[string]any)
		delete(meta, "resourceVersion")
		delete(meta, "managedFields")
		if ann, ok := meta["annotations"].(map[string]any); ok {
			delete(ann, "deployment.kubernetes.io/revision")
		}
		js, _ := json.Marshal(d)
		return string(js)
	}
	before := written()
	out, err := s.kubectl("apply", "-n", "steady", "-f", "testdata/plain.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, "deployment.apps/web unchanged")
	if after := written(); before != after {
		t.Errorf("the re-apply changed the object:\n%s\n%s", before, after)
	}
	if out, err := s.kubectl("diff", "-n", "steady", "-f", "testdata/plain.yaml"); err != nil || out != "" {
		t.Errorf("kubectl diff shows a difference after admission: %q %v", out, err)
	}
}
