package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/manifests/crds"
	"github.com/pave-dev/pave/pkg/crdschema"
)

// TestZeroValuesAreNotIgnored sets each field the built-in policy gives a
// value to its zero, as a platform team would write it (an empty list, 0,
// false, ""), and holds it to one of two outcomes: the field is zero in the
// policy in force, or the policy is refused, by the CRD (as the API server
// and pave check judge it) or by the load. A zero the overlay dropped would
// leave the built-in value in force without a word: `required: []` still
// requiring pave.dev/team, `attempts: 0` still retrying twice.
func TestZeroValuesAreNotIgnored(t *testing.T) {
	crd, err := crdschema.New(crds.PlatformPolicies)
	if err != nil {
		t.Fatal(err)
	}
	var base map[string]any
	roundTrip(t, Default().Spec, &base)
	leaves := zeroable(base, nil)
	if len(leaves) < 50 { // the built-in policy sets more; a walk that finds few tests nothing
		t.Fatalf("only %d fields with a value found in the built-in policy", len(leaves))
	}
	for _, leaf := range leaves {
		t.Run(strings.Join(leaf.path, "."), func(t *testing.T) {
			doc := map[string]any{"apiVersion": "pave.dev/v1alpha1", "kind": "PlatformPolicy",
				"metadata": map[string]any{"name": "default"}, "spec": nested(leaf.path, leaf.zero)}
			js, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			var obj map[string]any // as the API server reads it
			if err := json.Unmarshal(js, &obj); err != nil {
				t.Fatal(err)
			}
			if errs := crd.Validate(context.Background(), obj); len(errs) > 0 {
				t.Logf("refused by the CRD: %v", errs.ToAggregate())
				return
			}
			p, _, err := Load("zero.yaml", js)
			if err != nil {
				t.Logf("refused: %v", err)
				return // refused, with the load's words
			}
			var got map[string]any
			roundTrip(t, p.Spec, &got)
			if v, ok := lookup(got, leaf.path); ok && !isZero(v) {
				t.Errorf("%s set to %v is ignored: %v stays in force", strings.Join(leaf.path, "."), leaf.zero, v)
			}
		})
	}
}

// zeroLeaf is a field of the built-in policy with a value, and that value's zero.
type zeroLeaf struct {
	path []string
	zero any
}

// zeroable lists the fields under m (at path) a platform could set to zero:
// lists, numbers, true and strings. Objects are walked; the elements of lists are
// not, since a list is replaced whole. The sidecar's container is
// Kubernetes' own type, whose lists cannot say empty.
func zeroable(m map[string]any, path []string) []zeroLeaf {
	var out []zeroLeaf
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		p := append(slices.Clone(path), k)
		switch v := m[k].(type) {
		case map[string]any:
			if strings.Join(p, ".") == "mesh.sidecar.container" {
				continue
			}
			out = append(out, zeroable(v, p)...)
		case []any:
			if len(v) > 0 {
				out = append(out, zeroLeaf{p, []any{}})
			}
		case float64:
			if v != 0 {
				out = append(out, zeroLeaf{p, 0})
			}
		case bool:
			if v {
				out = append(out, zeroLeaf{p, false})
			}
		case string:
			if v != "" {
				out = append(out, zeroLeaf{p, ""})
			}
		}
	}
	return out
}

func nested(path []string, v any) map[string]any {
	if len(path) == 1 {
		return map[string]any{path[0]: v}
	}
	return map[string]any{path[0]: nested(path[1:], v)}
}

func lookup(m map[string]any, path []string) (any, bool) {
	v, ok := m[path[0]]
	if !ok || len(path) == 1 {
		return v, ok
	}
	sub, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	return lookup(sub, path[1:])
}

func isZero(v any) bool {
	switch v := v.(type) {
	case []any:
		return len(v) == 0
	case float64:
		return v == 0
	case bool:
		return !v
	case string:
		return v == ""
	case nil:
		return true
	}
	return false
}

func roundTrip(t *testing.T, in, out any) {
	t.Helper()
	js, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, out); err != nil {
		t.Fatal(fmt.Errorf("decode %s: %w", js, err))
	}
}

// zones.names: [] allows any zone name, so the built-in zones' access and
// required zones stay: overlayAccess drops only what names the policy
// writes leave out.
func TestEmptyZoneNamesKeepTheBuiltInAccess(t *testing.T) {
	p := loadSpec(t, "{zones: {names: []}}")
	base := Default().Spec
	if got := p.Spec.Zones.Access; len(got) != len(base.Zones.Access) {
		t.Errorf("access = %v, want the built-in %v", got, base.Zones.Access)
	}
	if got := p.Spec.Mesh.RequiredZones; !slices.Equal(got, base.Mesh.RequiredZones) {
		t.Errorf("required zones = %v, want the built-in %v", got, base.Mesh.RequiredZones)
	}
}

// zones.names: [] allows any zone name, beside a defaultZone and access
// entries of any name too: the CRD's rules asked them to be among the
// (empty) names, so "any zone name" could not be written with a default.
func TestEmptyZoneNamesTakeAnyName(t *testing.T) {
	crd, err := crdschema.New(crds.PlatformPolicies)
	if err != nil {
		t.Fatal(err)
	}
	spec := "{zones: {names: [], defaultZone: edge, access: [{zone: edge, fromOutside: true}]}}"
	var obj map[string]any
	if err := yaml.Unmarshal([]byte("apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: "+spec+"\n"), &obj); err != nil {
		t.Fatal(err)
	}
	if errs := crd.Validate(context.Background(), obj); len(errs) > 0 {
		t.Fatalf("the CRD refuses it: %v", errs.ToAggregate())
	}
	if p := loadSpec(t, spec); p.Spec.Zones.DefaultZone != "edge" || len(p.Spec.Zones.Access) != 1 {
		t.Errorf("zones %+v", p.Spec.Zones)
	}
}

// A set of labels the policy writes replaces the built-in one whole, where
// the resource defaults merge key by key: the DNS pods of a cluster whose
// DNS does not carry k8s-app: kube-dns were selected by both labels, so by
// none, and every zone's pods lost DNS.
func TestLabelSetsReplaceWhole(t *testing.T) {
	for _, c := range []struct {
		spec string
		get  func(*Policy) map[string]string
		want map[string]string
	}{
		{"{zones: {isolation: {dns: {namespace: openshift-dns, podLabels: {dns.operator.openshift.io/daemonset-dns: default}}}}}",
			func(p *Policy) map[string]string { return p.Spec.Zones.Isolation.DNS.PodLabels },
			map[string]string{"dns.operator.openshift.io/daemonset-dns": "default"}},
		{"{zones: {isolation: {dns: {podLabels: {}}}}}",
			func(p *Policy) map[string]string { return p.Spec.Zones.Isolation.DNS.PodLabels },
			map[string]string{}},
		{"{monitoring: {dashboards: {labels: {grafana_dashboard_team: shop}}}}",
			func(p *Policy) map[string]string { return p.Spec.Monitoring.Dashboards.Labels },
			map[string]string{"grafana_dashboard_team": "shop"}},
		{"{resources: {defaultRequests: {cpu: 50m}}}", // a map of defaults still merges
			func(p *Policy) map[string]string {
				out := map[string]string{}
				for k, v := range p.Spec.Resources.DefaultRequests {
					out[string(k)] = v.String()
				}
				return out
			},
			map[string]string{"cpu": "50m", "memory": "128Mi"}},
	} {
		p := loadSpec(t, c.spec)
		if got := c.get(p); !maps.Equal(got, c.want) || got == nil {
			t.Errorf("%s: %v, want %v", c.spec, got, c.want)
		}
	}
	if got := Default().Spec.Zones.Isolation.DNS.PodLabels; !maps.Equal(got, map[string]string{"k8s-app": "kube-dns"}) {
		t.Errorf("built-in DNS labels %v", got)
	}
}

// loadSpec is the PlatformPolicy whose spec is the YAML spec, as Load reads
// a platform team's file (workloadtest.PolicyOf, which imports this package).
func loadSpec(t *testing.T, spec string) *Policy {
	t.Helper()
	p, _, err := Load("policy.yaml", []byte("apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: "+spec+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
