package policy

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

var durationType = reflect.TypeFor[v1alpha1.Duration]()

// validateDurations names the first duration of the spec whose text was no
// duration (v1alpha1.Duration keeps such text rather than failing the
// decoding of the whole policy). Every duration field is found by its type,
// so a field added later is judged too.
func validateDurations(s v1alpha1.PlatformPolicySpec) error {
	return durationErr(reflect.ValueOf(s), "spec")
}

// durationErr is the error of the first Duration under v that was no
// duration, at its path (JSON field names, list indexes).
func durationErr(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return durationErr(v.Elem(), path)
	case reflect.Struct:
		if v.Type() == durationType {
			if err := v.Interface().(v1alpha1.Duration).Err(); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			return nil
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			at := path
			if name != "" {
				at += "." + name
			}
			if err := durationErr(v.Field(i), at); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := durationErr(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}
