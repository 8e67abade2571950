package e2e

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A team's creates change its namespace's quota's usage, which the API
// server writes into the quota's status; they leave pave's quota as it was,
// and pave sends no request to any quota for them. pave applied its quota
// again at each, and the first of those applies wrote it three times: a
// write beside the API server's own can make its quota admission refuse the
// team's next create with a Conflict on pave-tier
// (kubernetes/kubernetes#67761), as it once refused Istio's gateway chart.
func TestQuotaUsageIsNoWorkForPave(t *testing.T) {
	const ns = "quota-usage"
	namespace(t, ns, map[string]string{"pave.dev/team": "quota-usage"})
	used := func(want string) func() error {
		return func() error {
			out, err := s.kubectl("get", "-n", ns, "resourcequota", "pave-tier", "-o", "jsonpath={.status.hard.services} {.status.used.services}")
			if err != nil || out != "200 "+want {
				return fmt.Errorf("the quota's services (hard, used): %q, want 200 %s (%v)", out, want, err)
			}
			return nil
		}
	}
	eventually(t, 30*time.Second, used("0")) // the controller-manager has counted it
	before := quotaWrites(t)
	const creates = 6
	for i := range creates {
		if out, err := s.kubectl("create", "service", "clusterip", fmt.Sprintf("s%d", i), "-n", ns, "--tcp=80:8080"); err != nil {
			t.Fatalf("create Service s%d: %v\n%s", i, err, out)
		}
	}
	eventually(t, 30*time.Second, used(strconv.Itoa(creates)))
	// A reconcile of the namespace begun after every create above: a tier
	// the policy does not know, which keeps the default tier's quota and
	// says so on the Namespace. Events of the namespace's quota that came
	// before were reconciled before it, or with it.
	if _, err := s.kubectl("label", "namespace", ns, "pave.dev/tier=no-such-tier"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "events", "-A", "--field-selector", "reason=UnknownTier,involvedObject.kind=Namespace,involvedObject.name="+ns, "-o", "name")
		if err != nil || out == "" {
			return fmt.Errorf("no UnknownTier event on the Namespace yet (%v)", err)
		}
		return nil
	})
	if after := quotaWrites(t); after != before {
		t.Errorf("requests to quotas' spec (create, update, patch, apply) while a team created %d Services: %d, want none", creates, after-before)
	}

	// pave applied its quota from the start: no field of it is left to
	// move from a create's manager to an apply's, which took three writes
	// at the first change, such as the resize below.
	managers, err := s.kubectl("get", "-n", ns, "resourcequota", "pave-tier", "--show-managed-fields", "-o",
		`jsonpath={range .metadata.managedFields[?(@.manager=="pave")]}{.operation} {end}`)
	if err != nil || managers != "Apply " {
		t.Errorf("pave's managers of its quota: %q, want its apply alone (%v)", managers, err)
	}
	if _, err := s.kubectl("label", "namespace", ns, "pave.dev/tier=small", "--overwrite"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		out, err := s.kubectl("get", "-n", ns, "resourcequota", "pave-tier", "-o", "jsonpath={.spec.hard.services}")
		if err != nil || out != "50" {
			return fmt.Errorf("the quota's services after the tier small: %q, want 50 (%v)", out, err)
		}
		return nil
	})
}

// quotaWrites is how many requests the API server has answered that write
// a ResourceQuota, its status aside: creates, updates, patches and applies,
// from its own metrics.
func quotaWrites(t *testing.T) int {
	t.Helper()
	return apiServerCount(t, "apiserver_request_total", func(labels string) bool {
		return strings.Contains(labels, `resource="resourcequotas"`) && strings.Contains(labels, `subresource=""`) &&
			slices.ContainsFunc([]string{"POST", "PUT", "PATCH", "APPLY"}, func(verb string) bool { return strings.Contains(labels, `verb="`+verb+`"`) })
	})
}
