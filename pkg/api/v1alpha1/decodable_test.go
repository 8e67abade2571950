package v1alpha1_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// A value of pave's kinds that the CRD admits and pave's Go type cannot
// decode breaks every list and watch of the kind in pave's cache (security.md,
// finding 48). Types that decode themselves are where that happens; each
// one in pave's API is here with the reason its schema admits only what it
// decodes. A new one fails this test until it is judged and added.
func TestEveryTypeThatDecodesItselfIsAdmittedOnlyWhatItDecodes(t *testing.T) {
	judged := map[reflect.Type]string{
		reflect.TypeFor[v1alpha1.Duration]():    "keeps text it cannot read, for the policy's validation to name",
		reflect.TypeFor[resource.Quantity]():    "controller-gen writes the quantity pattern, which is what it parses",
		reflect.TypeFor[intstr.IntOrString]():   "x-kubernetes-int-or-string: an integer or a string, both decoded",
		reflect.TypeFor[metav1.Time]():          "format date-time: the API server checks RFC 3339, which is what it parses",
		reflect.TypeFor[runtime.RawExtension](): "status.lastAccepted, written by pave; any JSON is kept as bytes",
		reflect.TypeFor[metav1.ObjectMeta]():    "metadata: the API server's own schema, not the CRD's",
		reflect.TypeFor[metav1.TypeMeta]():      "apiVersion and kind: the API server's own",
	}
	unmarshaler := reflect.TypeFor[json.Unmarshaler]()
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map || typ.Kind() == reflect.Array {
			typ = typ.Elem()
		}
		if seen[typ] {
			return
		}
		seen[typ] = true
		if _, ok := judged[typ]; ok {
			return
		}
		if reflect.PointerTo(typ).Implements(unmarshaler) || typ.Implements(unmarshaler) {
			t.Errorf("%s (%s) decodes itself and is not judged here: make sure the CRD admits only what it decodes, then add it", path, typ)
			return
		}
		if typ.Kind() == reflect.Struct {
			for i := range typ.NumField() {
				if f := typ.Field(i); f.IsExported() {
					walk(f.Type, path+"."+f.Name)
				}
			}
		}
	}
	walk(reflect.TypeFor[v1alpha1.PlatformPolicy](), "PlatformPolicy")
	walk(reflect.TypeFor[v1alpha1.PolicyException](), "PolicyException")
}
