package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"
)

// auditRows runs pave audit <what> -o json and returns its results.
func auditRows(t *testing.T, what string, args ...string) ([]map[string]any, error) {
	t.Helper()
	out, err := s.run(s.paveBin, "", append([]string{"audit", what, "-o", "json"}, args...)...)
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) { // 1: findings, whatever stderr says
		return nil, err
	}
	var doc struct {
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		return nil, fmt.Errorf("pave audit %s: %v\n%s", what, err, out)
	}
	return doc.Results, nil
}

// A denied kubectl apply by a team member is in pave audit denials within
// seconds, with the user and the rule, as an event on the object, and in
// the namespace's OpenReports report; 1,000 more denials of the same
// workload are that one result with its count grown by 1,000.
func TestDenialsAreAudited(t *testing.T) {
	teamNamespace(t, "audited")
	_, err := asDev("", "apply", "-n", "audited", "-f", "testdata/hostile.yaml")
	denied(t, "the hostile Deployment", err, "image-pinned")

	var row map[string]any
	eventually(t, 30*time.Second, func() error {
		rows, err := auditRows(t, "denials", "-n", "audited", "--rule", "image-pinned")
		if err != nil {
			return err
		}
		for _, r := range rows {
			if r["name"] == "miner" && r["lastUser"] == dev {
				row = r
				return nil
			}
		}
		return fmt.Errorf("not in pave audit denials yet: %v", rows)
	})
	if row["count"] != float64(1) || row["outcome"] != "deny" || row["fix"] == "" {
		t.Errorf("denial %v", row)
	}
	eventually(t, 30*time.Second, func() error {
		if ev := events("audited"); !strings.Contains(ev, "PolicyDenied") || !strings.Contains(ev, "pave denied CREATE") {
			return fmt.Errorf("no PolicyDenied event: %q", ev)
		}
		return nil
	})
	out, err := s.kubectl("get", "reports.openreports.io", "pave", "-n", "audited", "-o", "jsonpath={.source} {.summary.fail}")
	if err != nil || !strings.HasPrefix(out, "pave ") {
		t.Fatalf("the namespace's report: %q %v", out, err)
	}

	// 1,000 denials of the same workload, as the team member, four at a time.
	cfg, err := clientcmd.BuildConfigFromFlags("", s.cluster.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Impersonate.UserName = dev
	cfg.QPS, cfg.Burst = 500, 500
	cfg.WarningHandler = rest.NoWarnings{} // each denial also warns of the missing probe
	cs := kubernetes.NewForConfigOrDie(cfg)
	var d appsv1.Deployment
	if err := yaml.Unmarshal([]byte(readFile(t, "testdata/hostile.yaml")), &d); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	admitted := 0
	for range 4 {
		wg.Go(func() {
			for range 250 {
				if _, err := cs.AppsV1().Deployments("audited").Create(context.Background(), d.DeepCopy(), metav1.CreateOptions{}); err == nil || !strings.Contains(err.Error(), "pave denied") {
					mu.Lock()
					admitted++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if admitted > 0 {
		t.Fatalf("%d of 1,000 creates were not denied by pave", admitted)
	}
	eventually(t, 30*time.Second, func() error {
		rows, err := auditRows(t, "denials", "-n", "audited", "--rule", "image-pinned", "--user", dev)
		if err != nil {
			return err
		}
		if len(rows) != 1 || rows[0]["count"] != float64(1001) {
			return fmt.Errorf("want one result with count 1001: %v", rows)
		}
		return nil
	})
	// The events fold into one with a count (client-go's correlator; its spam
	// filter stops counting after a burst, the report does not).
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "events", "-n", "audited", "--field-selector", "reason=PolicyDenied,involvedObject.name=miner", "-o", "jsonpath={range .items[*]}{.count} {end}")
		if err != nil {
			return err
		}
		if counts := strings.Fields(out); len(counts) != 1 || counts[0] == "1" {
			return fmt.Errorf("want one PolicyDenied event with a count above 1, got counts %q", counts)
		}
		return nil
	})
	out, err = s.kubectl("get", "reports.openreports.io", "pave", "-n", "audited", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the report after 1,001 denials: %d bytes", len(out))
	if len(out) > 64<<10 {
		t.Errorf("the report is %d bytes after denials of one workload", len(out))
	}
	summary, err := s.run(s.paveBin, "", "audit", "summary", "--team", "audited")
	if err == nil || !strings.Contains(summary, "audited") || !strings.Contains(summary, "image-pinned") {
		t.Errorf("pave audit summary (exit 1 expected):\n%s %v", summary, err)
	}
}

// A tightened policy shows in the background audit what already runs in
// breach of it: the Deployment admitted before the policy changed. The
// policy also switches the reports to the PolicyReport format: pave's
// OpenReports reports go (never both), and pave audit reads the new ones.
func TestBackgroundAuditFlagsWhatRuns(t *testing.T) {
	namespace(t, "scanned", map[string]string{"pave.dev/team": "scanned"})
	if _, err := s.kubectl("apply", "-n", "scanned", "-f", "testdata/plain.yaml"); err != nil {
		t.Fatal(err)
	}
	usePolicy(t, "{images: {allowedRegistries: [registry.example.com]}, audit: {reports: PolicyReport}}")
	eventually(t, 60*time.Second, func() error {
		rows, err := auditRows(t, "scan", "-n", "scanned", "--rule", "image-registry")
		if err != nil {
			return err
		}
		for _, r := range rows {
			if r["name"] == "web" && r["outcome"] == "deny" {
				return nil
			}
		}
		return fmt.Errorf("the running Deployment is not flagged yet: %v", rows)
	})
	out, err := s.kubectl("get", "policyreports.wgpolicyk8s.io", "pave", "-n", "scanned", "-o", "jsonpath={.summary.fail}")
	if err != nil || out == "" || out == "0" {
		t.Errorf("the PolicyReport's failures: %q %v", out, err)
	}
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "reports.openreports.io", "-A", "-l", "app.kubernetes.io/managed-by=pave", "-o", "name")
		if err != nil || out != "" {
			return fmt.Errorf("pave's OpenReports reports are still there: %q %v", out, err)
		}
		return nil
	})
}
