package check

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// configMapErrors are the API server's findings on a ConfigMap's data
// (Kubernetes 1.37, ValidateConfigMap): each key a valid file name, none in
// both data and binaryData, and at most 1 MiB of values in all. A ConfigMap
// that pave check admitted and the API server then refused would pass CI
// and fail the deploy; a dashboard or a configuration file grows past the
// limit without anyone noticing. The API server ranges over the keys as Go
// maps come; pave check names them in order, so its report stays the same.
// A valid ConfigMap, nearly every one, costs a walk of its keys and no more.
func configMapErrors(obj any) field.ErrorList {
	cm, ok := obj.(*corev1.ConfigMap)
	if !ok {
		return nil
	}
	var data, binary field.ErrorList
	size := 0
	for key, value := range cm.Data {
		for _, msg := range validation.IsConfigMapKey(key) {
			data = append(data, field.Invalid(field.NewPath("data").Key(key), key, msg))
		}
		if _, both := cm.BinaryData[key]; both {
			data = append(data, field.Invalid(field.NewPath("data").Key(key), key, "duplicate of key present in binaryData"))
		}
		size += len(value)
	}
	for key, value := range cm.BinaryData {
		for _, msg := range validation.IsConfigMapKey(key) {
			binary = append(binary, field.Invalid(field.NewPath("binaryData").Key(key), key, msg))
		}
		size += len(value)
	}
	byField := func(a, b *field.Error) int { return strings.Compare(a.Field, b.Field) }
	slices.SortStableFunc(data, byField) // a key's findings keep the API server's order
	slices.SortStableFunc(binary, byField)
	errs := append(data, binary...)
	if size > corev1.MaxSecretSize {
		// The API server's own path: "" for the whole object.
		errs = append(errs, field.TooLong(field.NewPath(""), "", corev1.MaxSecretSize))
	}
	return errs
}
