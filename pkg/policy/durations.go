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
	var found error
	walkDurations(reflect.ValueOf(s), "spec", func(path string, d v1alpha1.Duration) bool {
		if err := d.Err(); err != nil {
			found = fmt.Errorf("%s: %w", path, err)
			return false
		}
		return true
	})
	return found
}

// walkDurations calls visit with each Duration under v and its path (JSON
// field names, list indexes) until visit returns false; it reports whether
// the walk went to the end.
func walkDurations(v reflect.Value, path string, visit func(string, v1alpha1.Duration) bool) bool {
	switch v.Kind() {
	case reflect.Pointer:
		return v.IsNil() || walkDurations(v.Elem(), path, visit)
	case reflect.Struct:
		if v.Type() == durationType {
			return visit(path, v.Interface().(v1alpha1.Duration))
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
			if !walkDurations(v.Field(i), at, visit) {
				return false
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if !walkDurations(v.Index(i), fmt.Sprintf("%s[%d]", path, i), visit) {
				return false
			}
		}
	}
	return true
}
