package workload

import (
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// TestEncodingCoversEveryField holds to its premise what compares or keys
// API values by their protobuf encoding (the mesh check's sidecar
// comparison, the engine's memo of the patch's encodings): every field of
// every workload kind is in the encoding, so that two values that differ
// anywhere encode differently. A Kubernetes release that added a field
// without a protobuf tag would fail here, instead of letting a look-alike
// sidecar through or a patch carry a stale value.
func TestEncodingCoversEveryField(t *testing.T) {
	// Types that encode themselves: a quantity as its canonical string, a
	// time as seconds and nanoseconds, an int-or-string as a tagged union.
	// Equal encodings are equal values to equality.Semantic, and encode to
	// the same JSON.
	leaves := map[reflect.Type]bool{reflect.TypeFor[resource.Quantity](): true, reflect.TypeFor[intstr.IntOrString](): true,
		reflect.TypeFor[metav1.Time](): true, reflect.TypeFor[metav1.MicroTime](): true}
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			if typ.Kind() == reflect.Map {
				walk(typ.Key(), path+"[key]")
			}
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || leaves[typ] || seen[typ] {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			switch {
			case !f.IsExported():
				t.Errorf("%s.%s: unexported field of %s", path, f.Name, typ)
				continue
			case f.Anonymous && f.Type == reflect.TypeFor[metav1.TypeMeta]():
				continue // apiVersion and kind: not encoded, and a patch never adds a whole object
			case f.Tag.Get("protobuf") == "":
				t.Errorf("%s.%s (%s) has no protobuf tag: the encoding would not see it", path, f.Name, typ)
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	for _, k := range Kinds() {
		apiVersion := schema.GroupVersion{Group: k.Group, Version: k.Version}.String()
		obj := newObject(apiVersion, k.Kind)
		if obj == nil {
			t.Fatalf("%s %s is listed in Kinds but not decoded", apiVersion, k.Kind)
		}
		walk(reflect.TypeOf(obj), k.Kind)
	}
}
