// Package policy holds the compiled PlatformPolicy, the rule and violation types
// shared by validators, and the environment the engine evaluates against.
package policy

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

//go:embed default.yaml
var defaultYAML []byte

// Policy is a PlatformPolicy laid over the built-in defaults and checked.
type Policy struct {
	Spec v1alpha1.PlatformPolicySpec
	// rules holds the per-rule overrides by id.
	rules map[string]v1alpha1.RuleSetting
	// templates are the compiled SLI queries and dashboard (monitoring.go);
	// a pointer, so copies of the policy share them.
	templates *templates
	// sidecarHash is TemplateHash of the sidecar template, computed once.
	sidecarHash string
}

// TemplateHash identifies a sidecar template: the first 16 hex digits of the
// SHA-256 of its JSON.
func TemplateHash(t v1alpha1.SidecarTemplate) (string, error) {
	js, err := json.Marshal(t)
	if err != nil {
		return "", fmt.Errorf("hash sidecar template: %w", err)
	}
	sum := sha256.Sum256(js)
	return hex.EncodeToString(sum[:])[:16], nil
}

// SidecarHash is TemplateHash of the policy's sidecar template: computed
// when the policy compiles, not on every injection.
func (p *Policy) SidecarHash() (string, error) {
	if p.sidecarHash != "" {
		return p.sidecarHash, nil
	}
	return TemplateHash(p.Spec.Mesh.Sidecar)
}

// Default returns the built-in policy.
func Default() *Policy {
	p, err := compile(v1alpha1.PlatformPolicySpec{}, true)
	if err != nil {
		panic(fmt.Sprintf("built-in policy is invalid: %v", err)) // a bug in default.yaml
	}
	return p
}

// FromSpec lays spec over the built-in defaults: fields spec sets replace the
// defaults, lists replace whole, maps merge key by key.
func FromSpec(spec v1alpha1.PlatformPolicySpec) (*Policy, error) {
	return compile(spec, true)
}

// FromAcceptedSpec is FromSpec without the checks a spec must pass to be
// accepted: for a spec an earlier version of pave accepted and put in force,
// which this one would refuse. Refusing it at a restart would leave pave
// with no policy to enforce, and every admission refused, for a check made
// to protect teams from a policy's next change.
func FromAcceptedSpec(spec v1alpha1.PlatformPolicySpec) (*Policy, error) {
	return compile(spec, false)
}

func compile(overlay v1alpha1.PlatformPolicySpec, check bool) (*Policy, error) {
	var base v1alpha1.PlatformPolicy
	if err := yaml.UnmarshalStrict(defaultYAML, &base); err != nil {
		return nil, fmt.Errorf("built-in policy: %w", err)
	}
	// A JSON merge patch (RFC 7386) gives exactly the documented semantics:
	// a field omitted in the overlay leaves the base untouched, objects and
	// maps merge, and a list replaces the base's whole. Decoding the overlay
	// onto the base instead reuses the base's list elements: a tier written
	// with a quota of pods alone kept the first built-in tier's cpu and
	// memory, and a zone written without allowFrom kept the built-in callers.
	baseJS, err := json.Marshal(base.Spec)
	if err != nil {
		return nil, fmt.Errorf("encode built-in policy: %w", err)
	}
	js, err := json.Marshal(overlay)
	if err != nil {
		return nil, fmt.Errorf("encode policy: %w", err)
	}
	merged, err := jsonpatch.MergePatch(baseJS, js)
	if err != nil {
		return nil, fmt.Errorf("apply policy: %w", err)
	}
	var spec v1alpha1.PlatformPolicySpec
	if err := json.Unmarshal(merged, &spec); err != nil {
		return nil, fmt.Errorf("apply policy: %w", err)
	}
	overlayAccess(&spec, overlay)
	overlayBuckets(&spec, overlay)
	overlayLabelSets(&spec, overlay)
	if check {
		if err := validate(spec); err != nil {
			return nil, err
		}
	}
	p := &Policy{Spec: spec, rules: map[string]v1alpha1.RuleSetting{}, templates: &templates{}}
	p.sidecarHash, _ = TemplateHash(spec.Mesh.Sidecar) // on error, SidecarHash says it
	for _, r := range spec.Rules {
		p.rules[r.ID] = r
	}
	return p, nil
}

// overlayLabelSets puts the label sets the overlay writes in force whole.
// A merge patch merges maps key by key, which is right for the resource
// defaults but not for a set of labels that selects: the DNS pods of a
// cluster whose DNS does not carry k8s-app: kube-dns (OpenShift's) were
// selected by both labels, so by none, and every zone lost DNS.
func overlayLabelSets(spec *v1alpha1.PlatformPolicySpec, overlay v1alpha1.PlatformPolicySpec) {
	if l := overlay.Zones.Isolation.DNS.PodLabels; l != nil {
		spec.Zones.Isolation.DNS.PodLabels = maps.Clone(l)
	}
	if l := overlay.Monitoring.Dashboards.Labels; l != nil {
		spec.Monitoring.Dashboards.Labels = maps.Clone(l)
	}
}

// validate mirrors the CRD's OpenAPI and CEL rules, so the CLI rejects what the
// API server would.
func validate(s v1alpha1.PlatformPolicySpec) error {
	if err := validateDurations(s); err != nil {
		return err
	}
	if err := validateImages(s.Images); err != nil {
		return err
	}
	if err := validateLabels(s.Labels); err != nil {
		return err
	}
	if err := validateWritten(s); err != nil {
		return err
	}
	switch s.Security.PodSecurityLevel {
	case "restricted", "baseline":
	default:
		return fmt.Errorf("spec.security.podSecurityLevel: %q is not a level; use restricted or baseline", s.Security.PodSecurityLevel)
	}
	switch s.Mesh.Mode {
	case v1alpha1.MeshOff, v1alpha1.MeshIstio, v1alpha1.MeshDelegate, v1alpha1.MeshCilium:
	default:
		return fmt.Errorf("spec.mesh.mode: %q is not a mode; use off, istio, delegate or cilium (quote off in YAML: \"off\")", s.Mesh.Mode)
	}
	if s.Mesh.Mode == v1alpha1.MeshIstio && (s.Mesh.Sidecar.Container == nil || s.Mesh.Sidecar.Container.Name == "" || s.Mesh.Sidecar.Container.Image == "") {
		return fmt.Errorf("spec.mesh.sidecar.container: istio mode needs a container with a name and an image")
	}
	if err := validateSidecar(s); err != nil {
		return err
	}
	if err := validateZones(s); err != nil {
		return err
	}
	if err := validateClusterNetworkPolicySize(s); err != nil {
		return err
	}
	if err := validateResourceLists(s); err != nil {
		return err
	}
	if err := validateTiers(s); err != nil {
		return err
	}
	if err := validateMonitoring(s.Monitoring); err != nil {
		return err
	}
	if err := validateAudit(s.Audit); err != nil {
		return err
	}
	if store := s.Secrets.Store; store != "" {
		if errs := validation.IsDNS1123Subdomain(store); len(errs) > 0 {
			return fmt.Errorf("spec.secrets.store: %q is not a ClusterSecretStore's name: %s", store, strings.Join(errs, "; "))
		}
	}
	if ns := s.Secrets.OperatorNamespace; ns != "" {
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			return fmt.Errorf("spec.secrets.operatorNamespace: %q is not a namespace: %s", ns, strings.Join(errs, "; "))
		}
	}
	seen := map[string]bool{}
	for i, r := range s.Rules {
		if r.ID == "" {
			return fmt.Errorf("spec.rules[%d].id: required", i)
		}
		if seen[r.ID] {
			return fmt.Errorf("spec.rules[%d].id: %q appears twice", i, r.ID)
		}
		seen[r.ID] = true
		switch r.Mode {
		case "", v1alpha1.ModeEnforce, v1alpha1.ModeWarn, v1alpha1.ModeAudit:
		default:
			return fmt.Errorf("spec.rules[%d].mode: %q is not a mode; use enforce, warn or audit", i, r.Mode)
		}
		switch r.Severity {
		case "", v1alpha1.SeverityCritical, v1alpha1.SeverityHigh, v1alpha1.SeverityMedium, v1alpha1.SeverityLow:
		default:
			return fmt.Errorf("spec.rules[%d].severity: %q is not a severity; use critical, high, medium or low", i, r.Severity)
		}
	}
	return nil
}

// Apply returns the rule with the policy's overrides of mode and severity.
func (p *Policy) Apply(r Rule) Rule {
	if o, ok := p.rules[r.ID]; ok {
		if o.Mode != "" {
			r.Mode = o.Mode
		}
		if o.Severity != "" {
			r.Severity = o.Severity
		}
	}
	return r
}

// RuleIDs returns the ids the policy overrides, for checking them against the
// rules the pipeline knows.
func (p *Policy) RuleIDs() []string {
	ids := make([]string, 0, len(p.rules))
	for id := range p.rules {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// templates caches what is derived from a compiled policy: the compiled
// templates (text -> *template.Template) and other values (Derived).
type templates struct{ m, derived sync.Map }

// Derived returns what build makes of the policy, built once per policy: a
// compiled policy never changes, so values derived from it (a defaulted
// sidecar template) need not be rebuilt for every request.
func (p *Policy) Derived(key string, build func() any) any {
	if p.templates == nil {
		return build()
	}
	if v, ok := p.templates.derived.Load(key); ok {
		return v
	}
	v, _ := p.templates.derived.LoadOrStore(key, build())
	return v
}
