package v1alpha1

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// ManagedByPave is LabelManagedBy's value on what pave writes, so the
// controller finds what it made and nothing else.
const ManagedByPave = "pave"

// maxObjectName is a DNS subdomain's length, the name limit of every kind
// pave writes per workload.
const maxObjectName = 253

// ObjectName is prefix+name+suffix: the name of an object pave writes for
// the object called name (pave-zone-<workload>, pave-<workload>-dashboard).
// Kubernetes allows names of 253 characters, so the plain join of a long
// name does not fit and the API server would refuse the object; then as
// much of name as fits is kept, followed by a hash of the whole, so two long
// names that share their start still get objects of their own.
func ObjectName(prefix, name, suffix string) string {
	full := prefix + name + suffix
	if len(full) <= maxObjectName {
		return full
	}
	sum := sha256.Sum256([]byte(full))
	hash := hex.EncodeToString(sum[:5])
	keep := max(maxObjectName-len(prefix)-len(suffix)-len(hash)-1, 0)
	// A cut before a dot or a dash would leave an empty or dashed label.
	head := strings.TrimRight(name[:min(keep, len(name))], "-.")
	return prefix + head + "-" + hash + suffix
}
