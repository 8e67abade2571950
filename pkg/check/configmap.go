package check

import (
	"maps"
	"slices"

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
func configMapErrors(obj any) field.ErrorList {
	cm, ok := obj.(*corev1.ConfigMap)
	if !ok {
		return nil
	}
	var errs field.ErrorList
	size := 0
	for _, key := range slices.Sorted(maps.Keys(cm.Data)) {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(field.NewPath("data").Key(key), key, msg))
		}
		if _, both := cm.BinaryData[key]; both {
			errs = append(errs, field.Invalid(field.NewPath("data").Key(key), key, "duplicate of key present in binaryData"))
		}
		size += len(cm.Data[key])
	}
	for _, key := range slices.Sorted(maps.Keys(cm.BinaryData)) {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(field.NewPath("binaryData").Key(key), key, msg))
		}
		size += len(cm.BinaryData[key])
	}
	if size > corev1.MaxSecretSize {
		// The API server's own path: "" for the whole object.
		errs = append(errs, field.TooLong(field.NewPath(""), "", corev1.MaxSecretSize))
	}
	return errs
}
