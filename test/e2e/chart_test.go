package e2e

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

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
