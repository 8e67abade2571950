package policy

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// validateLabels refuses label keys and values the API server would refuse:
// pave writes the default cost centre onto every workload whose namespace
// names none, so a value that is no label value had the API server refuse
// every such workload for a label no team wrote; and a required key that is
// no label key could never be set, so rule required-labels would find every
// workload without it.
func validateLabels(l v1alpha1.LabelPolicy) error {
	for i, key := range l.Required {
		if errs := validation.IsQualifiedName(key); len(errs) > 0 {
			return fmt.Errorf("spec.labels.required[%d]: %q is not a label key: %s", i, key, strings.Join(errs, "; "))
		}
	}
	if v := l.DefaultCostCenter; v != "" {
		if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
			return fmt.Errorf("spec.labels.defaultCostCenter: %q is not a label value, and pave would label workloads with it: %s", v, strings.Join(errs, "; "))
		}
	}
	return nil
}
