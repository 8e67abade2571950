package engine

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/util/intstr"
)

// Ports are compared by type and value, not encoded; the walk must still
// call two ports the same exactly when encoding/json writes them the same
// (or DeepEqual holds, for a port neither side can encode).
func TestSameLeafComparesPortsAsEncoded(t *testing.T) {
	ports := []intstr.IntOrString{
		intstr.FromInt32(0),
		intstr.FromInt32(8080),
		intstr.FromInt32(-1),
		intstr.FromString(""),
		intstr.FromString("8080"),
		intstr.FromString("http"),
		{Type: intstr.Int, IntVal: 8080, StrVal: "stale"}, // a member the type does not name
		{Type: intstr.String, IntVal: 7, StrVal: "http"},  // likewise
		{Type: intstr.String, StrVal: ""},                 // the zero string
		{Type: 9, IntVal: 1},                              // a type that cannot encode
		{Type: 9, IntVal: 2},
	}
	for _, x := range ports {
		for _, y := range ports {
			want := reflect.DeepEqual(x, y)
			if !want {
				jx, ex := json.Marshal(x)
				jy, ey := json.Marshal(y)
				want = ex == nil && ey == nil && bytes.Equal(jx, jy)
			}
			if got := sameLeaf(reflect.ValueOf(x), reflect.ValueOf(y)); got != want {
				t.Errorf("sameLeaf(%#v, %#v) = %v, want %v", x, y, got, want)
			}
		}
	}
}
