package e2e

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/manifest"
)

// The Helm chart lints clean and renders the same objects as kustomize
// (only the chart's label differs): with its defaults, manifests/deploy;
// with certificates.mode=cert-manager, manifests/overlays/cert-manager. Its
// CRDs are pave's; the rendering passes pave check and applies
// server-side to the real API server.
func TestChartRendersTheManifests(t *testing.T) {
	if out, err := s.helm("lint", "--strict", "../../charts/pave"); err != nil {
		t.Fatalf("helm lint: %s %v", out, err)
	}
	var chart string
	for _, c := range []struct{ mode, kustomization string }{
		{"managed", "../../manifests/deploy"},
		{"cert-manager", "../../manifests/overlays/cert-manager"},
	} {
		rendered, err := s.helm("template", "pave", "../../charts/pave", "--namespace", "pave-system", "--include-crds", "--set", "certificates.mode="+c.mode)
		if err != nil {
			t.Fatalf("helm template: %v", err)
		}
		if c.mode == "managed" {
			chart = rendered
		}
		kust, err := s.kubectl("kustomize", c.kustomization)
		if err != nil {
			t.Fatal(err)
		}
		fromChart, fromKustomize := objects(t, "chart", rendered), objects(t, "kustomize", kust)
		delete(fromKustomize, "Namespace/<nil>/pave-system") // helm installs into a namespace it does not own
		for key, want := range fromKustomize {
			got, ok := fromChart[key]
			if !ok {
				t.Errorf("%s: %s is in %s, not in the chart", c.mode, key, c.kustomization)
				continue
			}
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("%s: %s differs:\nchart:     %s\nkustomize: %s", c.mode, key, g, w)
			}
		}
		for key := range fromChart {
			if _, ok := fromKustomize[key]; !ok {
				t.Errorf("%s: %s is in the chart, not in %s", c.mode, key, c.kustomization)
			}
		}
	}
	out, err := s.run(s.paveBin, "", "check", writeTemp(t, chart))
	if err != nil {
		t.Fatalf("pave check of the chart: %s %v", out, err)
	}
	renamed := strings.ReplaceAll(chart, "\n  name: pave\n", "\n  name: pave-chart-check\n")
	namespace(t, "pave-system", nil)
	if out, err := combinedKubectl("apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", writeTemp(t, renamed)); err != nil {
		t.Fatalf("the chart's objects: %s %v", out, err)
	}
}

// objects parses a multi-document stream into objects keyed by kind,
// namespace and name, without the chart's own label.
func objects(t *testing.T, what, stream string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, doc := range manifest.Split(what, []byte(stream)) {
		var obj map[string]any
		if err := yaml.Unmarshal(doc.Raw, &obj); err != nil || obj == nil {
			continue
		}
		meta, _ := obj["metadata"].(map[string]any)
		labels, _ := meta["labels"].(map[string]any)
		delete(labels, "helm.sh/chart")
		if tmpl, ok := at(obj, "spec", "template", "metadata", "labels").(map[string]any); ok {
			delete(tmpl, "helm.sh/chart")
		}
		out[fmt.Sprintf("%v/%v/%v", obj["kind"], meta["namespace"], meta["name"])] = obj
	}
	return out
}

// The chart passes each component's heapBudget to its --heap-budget, in
// bytes when it is a number (a values file's numbers are floats to Helm),
// leaves the flag out when it is unset, and its schema refuses what the
// flag would (a size it cannot parse, a negative one).
func TestChartHeapBudget(t *testing.T) {
	args := func(t *testing.T, extra ...string) map[string]string { return chartFlag(t, "--heap-budget", extra...) }
	const admission, controller = "Deployment/pave-system/pave-webhook", "Deployment/pave-system/pave-controller"
	if got := args(t); len(got) != 0 {
		t.Errorf("defaults: --heap-budget %v, want none (each role's own default)", got)
	}
	if got := args(t, "--set", "admission.heapBudget=48Mi", "--set", "controller.heapBudget=0"); got[admission] != "48Mi" || got[controller] != "0" {
		t.Errorf("--set admission.heapBudget=48Mi, controller.heapBudget=0: --heap-budget %v", got)
	}
	file := writeTemp(t, "admission: {heapBudget: 25165824}\n")
	if got := args(t, "-f", file); got[admission] != "25165824" || len(got) != 1 {
		t.Errorf("a values file's heapBudget 25165824: --heap-budget %v, want 25165824 on the admission server alone", got)
	}
	for _, bad := range []string{"admission.heapBudget=lots", "controller.heapBudget=-1", "admission.heapBudget=24MB"} {
		out, err := s.helm("template", "pave", "../../charts/pave", "--namespace", "pave-system", "--set", bad)
		if err == nil || !strings.Contains(out+err.Error(), "heapBudget") {
			t.Errorf("--set %s: rendered (%v), want the schema to name heapBudget", bad, err)
		}
	}
}

// Namespaces the chart excludes from the webhooks are excluded from both
// roles too (--exclude-namespaces): the controller writes nothing where the
// webhooks do not look, and admission never judges there. With the
// defaults, which pave never governs anyway, the flag is left out.
func TestChartExcludesNamespacesFromBothRoles(t *testing.T) {
	excluded := func(t *testing.T, extra ...string) map[string]string {
		return chartFlag(t, "--exclude-namespaces", extra...)
	}
	if got := excluded(t); len(got) != 0 {
		t.Errorf("defaults: --exclude-namespaces %v, want none", got)
	}
	// A values file from before the system namespaces were implied lists
	// them too; the flag is the same either way.
	for _, list := range []string{"{kube-system,kube-public,kube-node-lease,cilium,cert-manager}", "{cilium,cert-manager}"} {
		got := excluded(t, "--set", "webhooks.excludeNamespaces="+list)
		for _, role := range []string{"Deployment/pave-system/pave-controller", "Deployment/pave-system/pave-webhook"} {
			if got[role] != "cilium,cert-manager" {
				t.Errorf("webhooks.excludeNamespaces=%s: %s --exclude-namespaces=%q, want cilium,cert-manager", list, role, got[role])
			}
		}
	}
}

// The control plane's namespaces stay out of every webhook whatever
// webhooks.excludeNamespaces lists: install.md says to add the CNI's,
// cert-manager's and the mesh's namespaces, and a list of those alone once
// made the fail-closed webhook match kube-system, whose pods the cluster
// could then not recreate while pave was down. A name that is no
// namespace's is refused by the schema.
func TestChartNeverGovernsTheControlPlane(t *testing.T) {
	rendered, err := s.helm("template", "pave", "../../charts/pave", "--namespace", "pave-system", "--set", "webhooks.excludeNamespaces={cert-manager,istio-system,cilium}")
	if err != nil {
		t.Fatalf("helm template: %v", err)
	}
	want := append(v1alpha1.SystemNamespaces(), "cert-manager", "istio-system", "cilium", "pave-system")
	webhooks := 0
	for key, obj := range objects(t, "chart", rendered) {
		if !strings.HasSuffix(strings.Split(key, "/")[0], "WebhookConfiguration") {
			continue
		}
		list, _ := obj["webhooks"].([]any)
		for i := range list {
			webhooks++
			got, _ := at(obj, "webhooks", i, "namespaceSelector", "matchExpressions", 0, "values").([]any)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s webhook %d: namespaceSelector NotIn %v, want %v", key, i, got, want)
			}
		}
	}
	if webhooks == 0 {
		t.Fatal("no webhooks rendered")
	}
	out, err := s.helm("template", "pave", "../../charts/pave", "--namespace", "pave-system", "--set", "webhooks.excludeNamespaces={Cert_Manager}")
	if err == nil || !strings.Contains(out+err.Error(), "excludeNamespaces") {
		t.Errorf("a name no namespace can have: rendered (%v), want the schema to name excludeNamespaces", err)
	}
}

// chartFlag renders the chart with extra and returns the value each of its
// Deployments gives flag, by Deployment; one without it is left out.
func chartFlag(t *testing.T, flag string, extra ...string) map[string]string {
	t.Helper()
	rendered, err := s.helm(append([]string{"template", "pave", "../../charts/pave", "--namespace", "pave-system"}, extra...)...)
	if err != nil {
		t.Fatalf("helm template %v: %v", extra, err)
	}
	values := map[string]string{}
	for key, obj := range objects(t, "chart", rendered) {
		if !strings.HasPrefix(key, "Deployment/") {
			continue
		}
		list, _ := at(obj, "spec", "template", "spec", "containers", 0, "args").([]any)
		for _, a := range list {
			if v, ok := strings.CutPrefix(fmt.Sprint(a), flag+"="); ok {
				values[key] = v
			}
		}
	}
	return values
}
