package policy

import (
	"fmt"
	"maps"
	"slices"
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
		if err := labelKey(fmt.Sprintf("spec.labels.required[%d]", i), key); err != nil {
			return err
		}
	}
	if v := l.DefaultCostCenter; v != "" {
		return labelValue("spec.labels.defaultCostCenter", v)
	}
	return nil
}

// labelKey refuses, at field, a key the API server refuses on a label.
func labelKey(field, key string) error {
	if errs := validation.IsQualifiedName(key); len(errs) > 0 {
		return fmt.Errorf("%s: %q is not a label key: %s", field, key, strings.Join(errs, "; "))
	}
	return nil
}

// labelValue refuses, at field, a value pave writes onto objects as a label
// and the API server refuses there; an empty one labels nothing.
func labelValue(field, v string) error {
	errs := validation.IsValidLabelValue(v)
	if v == "" {
		errs = append(errs, "it is empty")
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s: %q is not a label value, and pave labels objects with it: %s", field, v, strings.Join(errs, "; "))
	}
	return nil
}

// labelMap refuses, at field, a key or a value the API server refuses on a
// label of the objects pave writes or selects with these labels; an empty
// value is one.
func labelMap(field string, labels map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		if err := labelKey(field, k); err != nil {
			return err
		}
		v := labels[k]
		if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
			return fmt.Errorf("%s[%s]: %q is not a label value: %s", field, k, v, strings.Join(errs, "; "))
		}
	}
	return nil
}
