package storage

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

var ruleEncrypted = policy.Rule{ID: "encrypted-volumes", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "every volume claim (standalone, StatefulSet template, ephemeral) is on a StorageClass known to encrypt"}

// Encrypted judges volume claims by their class: standalone claims (as an
// engine.ObjectValidator) and the claims a workload makes (as an
// engine.Validator), under one rule.
type Encrypted struct{}

// Name implements engine.Validator and engine.ObjectValidator.
func (Encrypted) Name() string { return "encrypted-volumes" }

// Rules implements engine.Validator and engine.ObjectValidator.
func (Encrypted) Rules() []policy.Rule { return []policy.Rule{ruleEncrypted} }

// Kinds implements engine.ObjectValidator.
func (Encrypted) Kinds() []schema.GroupVersionKind { return []schema.GroupVersionKind{claimKind} }

// ValidateObject implements engine.ObjectValidator.
func (Encrypted) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	pvc, ok := obj.(*corev1.PersistentVolumeClaim)
	if !ok {
		return nil
	}
	return judge(pvc.Spec.StorageClassName, "spec.storageClassName", fmt.Sprintf("PersistentVolumeClaim %q", pvc.Name), env)
}

// Validate implements engine.Validator.
func (Encrypted) Validate(_ context.Context, w *workload.Workload, env policy.Env) []policy.Violation {
	var out []policy.Violation
	for _, c := range workload.Claims(w) {
		out = append(out, judge(c.Spec.StorageClassName, c.Path+".storageClassName", "the claim at "+strings.TrimSuffix(c.Path, ".spec"), env)...)
	}
	return out
}

func judge(class *string, field, what string, env policy.Env) []policy.Violation {
	var why string
	switch {
	case class == nil:
		why = "names no StorageClass, and pave knows no encrypting class to give it"
	case *class == "":
		why = `names the empty class: a pre-provisioned volume, which pave cannot tell is encrypted`
	default:
		ok, reason := ClassEncrypts(*class, env)
		if ok {
			return nil
		}
		why = fmt.Sprintf("uses StorageClass %q, not known to encrypt: %s", *class, reason)
		if d, ok := ClusterDefault(env); ok && d.Name == *class {
			// The API server named it before pave saw the claim.
			why += " (it is the cluster's default class, which the API server gives claims that name none: the platform team should make an encrypting class the default)"
		}
	}
	// The classes that encrypt are listed only for a finding: a compliant
	// claim, on admission's path, costs one lookup.
	known := EncryptedClasses(env)
	fix := "name one of the classes that encrypt: " + strings.Join(known, ", ")
	if len(known) == 0 {
		fix = "no StorageClass is known to encrypt: ask the platform team to create one, or to list an encrypting class in the PlatformPolicy's spec.storage.encryptedClasses"
	}
	return []policy.Violation{ruleEncrypted.Violation(field, fmt.Sprintf("%s %s; all data at rest must be encrypted", what, why), fix)}
}
