package e2e

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// After a denial, pave's metrics endpoint shows it counted under its rule,
// mode, outcome and namespace, beside the companions the controller applied
// and the policy and certificate gauges.
func TestDenialsAreCounted(t *testing.T) {
	namespace(t, "counted", map[string]string{"pave.dev/team": "counted"})
	hostile := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leak}\ndata: {DB_PASSWORD: hunter2hunter2}\n"
	if _, err := s.kubectlIn(hostile, "apply", "-n", "counted", "-f", "-"); err == nil {
		t.Fatal("a ConfigMap holding a password was admitted")
	}
	want := `pave_admission_findings_total{mode="enforce",namespace="counted",outcome="deny",rule="no-literal-secrets"}`
	eventually(t, 30*time.Second, func() error {
		body, err := scrape()
		if err != nil {
			return err
		}
		for _, m := range []string{want, "pave_companions_total{", "pave_policy_generation ", "pave_certificate_expiry_timestamp_seconds "} {
			if !strings.Contains(body, m) {
				return fmt.Errorf("/metrics lacks %s", m)
			}
		}
		return nil
	})
}

func scrape() (string, error) {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", s.metricsPort))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// The controller reconciles workloads and namespaces with as many workers as
// --reconcile-workers gives (4 by default): controller-runtime reports the
// bound of each controller. The policy's own controller keeps one.
func TestCompanionsAreReconciledByFourWorkers(t *testing.T) {
	body, err := scrape()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`controller_runtime_max_concurrent_reconciles{controller="companions-Deployment"} 4`,
		`controller_runtime_max_concurrent_reconciles{controller="companions-StatefulSet"} 4`,
		`controller_runtime_max_concurrent_reconciles{controller="namespaces"} 4`,
		`controller_runtime_max_concurrent_reconciles{controller="platformpolicy"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
