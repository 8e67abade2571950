package preflight_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/preflight"
)

// A team's namespace that already grants DRA admin access is named: the
// namespace guard keeps the label it finds, and only the platform team
// removes it. The control plane's, pave's and excluded namespaces are the
// platform's.
func TestNamesNamespacesThatGrantDeviceAdminAccess(t *testing.T) {
	const label = "resource.kubernetes.io/admin-access"
	c := preflight.Cluster{Install: v1alpha1.Install{PaveNamespace: "pave-system", Excluded: []string{"gpu-operator"}}, Namespaces: map[string]map[string]string{
		"shop":         {label: "true", "pave.dev/team": "shop"},
		"web":          {label: "false"},
		"plain":        {},
		"kube-system":  {label: "true"},
		"pave-system":  {label: "true"},
		"gpu-operator": {label: "true"},
	}}
	found, err := preflight.Run(context.Background(), policy.Default(), c)
	if err != nil {
		t.Fatal(err)
	}
	var got []preflight.Finding
	for _, f := range found {
		if strings.Contains(f.Message, label) {
			got = append(got, f)
		}
	}
	if len(got) != 1 || got[0].Subject != "Namespace shop" || got[0].Check != "guard-keeps" || got[0].Severity != "medium" ||
		!strings.Contains(got[0].Fix, "kubectl label namespace shop "+label+"-") {
		t.Fatalf("findings %+v", got)
	}
}
