package validators

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// VolumeSource warns of a volume that names a Secret, ConfigMap or
// PersistentVolumeClaim no object can be named (DB_Creds, app.Config). The
// API server checks the names of env references but takes any name in a
// volume, so such a workload is admitted and its pods never start: the
// kubelet waits for an object that cannot be made. Only a person who knows
// the object's real name can fix it, so pave warns and changes nothing.
type VolumeSource struct{}

var ruleVolumeSource = policy.Rule{ID: "volume-source", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeWarn,
	Description: "a volume names a Secret, ConfigMap or PersistentVolumeClaim that can exist (the API server takes any name there; the pods wait for it forever)"}

// Name implements engine.Validator.
func (VolumeSource) Name() string { return "volume-source" }

// Rules implements engine.Validator.
func (VolumeSource) Rules() []policy.Rule { return []policy.Rule{ruleVolumeSource} }

// Validate implements engine.Validator.
func (VolumeSource) Validate(_ context.Context, w *workload.Workload, _ policy.Env) []policy.Violation {
	var out []policy.Violation
	for i := range w.PodSpec.Volumes {
		v := &w.PodSpec.Volumes[i]
		// A field is written only for a finding: every meshed pod has the
		// proxy's eight volumes.
		at := func(source string) string { return fmt.Sprintf("%s.volumes[%d].%s", w.PodSpecPath, i, source) }
		switch {
		case v.Secret != nil && unnamable(v.Secret.SecretName):
			out = append(out, unnamableFinding(at("secret.secretName"), v.Name, "Secret", v.Secret.SecretName, v.Secret.Optional))
		case v.ConfigMap != nil && unnamable(v.ConfigMap.Name):
			out = append(out, unnamableFinding(at("configMap.name"), v.Name, "ConfigMap", v.ConfigMap.Name, v.ConfigMap.Optional))
		case v.PersistentVolumeClaim != nil && unnamable(v.PersistentVolumeClaim.ClaimName):
			out = append(out, unnamableFinding(at("persistentVolumeClaim.claimName"), v.Name, "PersistentVolumeClaim", v.PersistentVolumeClaim.ClaimName, nil))
		case v.Projected != nil:
			for j, s := range v.Projected.Sources {
				if s.Secret != nil && unnamable(s.Secret.Name) {
					out = append(out, unnamableFinding(at(fmt.Sprintf("projected.sources[%d].secret.name", j)), v.Name, "Secret", s.Secret.Name, s.Secret.Optional))
				}
				if s.ConfigMap != nil && unnamable(s.ConfigMap.Name) {
					out = append(out, unnamableFinding(at(fmt.Sprintf("projected.sources[%d].configMap.name", j)), v.Name, "ConfigMap", s.ConfigMap.Name, s.ConfigMap.Optional))
				}
			}
		}
	}
	return out
}

// unnamable reports whether name is one no Secret, ConfigMap or claim can
// have. An empty name is the API server's to refuse.
func unnamable(name string) bool { return name != "" && !workload.Nameable(name) }

// unnamableFinding says what a volume naming an object that cannot exist
// does, and suggests a name the object could have.
func unnamableFinding(field, volume, kind, name string, optional *bool) policy.Violation {
	effect := "its pods never start: the kubelet waits for a " + kind + " that cannot be made"
	if optional != nil && *optional {
		effect = "the volume is always empty (the reference is optional)"
	}
	fix := fmt.Sprintf("write the %s's name as the namespace holds it (kubectl get %ss)", kind, strings.ToLower(kind))
	if s := suggestName(name); s != "" {
		fix += fmt.Sprintf(", perhaps %q", s)
	}
	return ruleVolumeSource.Violation(field,
		fmt.Sprintf("volume %q names %s %q, which no %s can be named (lower-case letters, digits, '-' and '.'); %s", volume, kind, name, kind, effect),
		fix)
}

// suggestName is name as an object could be named: lower case, with '-'
// for every character a name cannot hold, trimmed to start and end with a
// letter or digit; "" when that is still no name.
func suggestName(name string) string {
	b := []byte(strings.ToLower(name))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '.' && c != '-' {
			b[i] = '-'
		}
	}
	s := strings.Trim(string(b), "-.")
	if len(s) > validation.DNS1123SubdomainMaxLength {
		s = strings.TrimRight(s[:validation.DNS1123SubdomainMaxLength], "-.")
	}
	if !workload.Nameable(s) {
		return ""
	}
	return s
}
