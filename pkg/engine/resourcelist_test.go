package engine

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Resource lists are compared by how their quantities encode: a change is
// reported for each name whose JSON differs, or that only one list has, in
// the order of the names, and nowhere else (an empty list is omitted, so
// against one the other is added or removed whole).
func TestResourceListsDifferAsEncoded(t *testing.T) {
	parsed := func(s string) resource.Quantity { return resource.MustParse(s) }
	lists := []corev1.ResourceList{
		nil,
		{},
		{"cpu": parsed("1")},
		{"cpu": parsed("1000m")},
		{"cpu": *resource.NewMilliQuantity(1000, resource.DecimalSI)},
		{"cpu": *resource.NewMilliQuantity(1500, resource.DecimalSI)},
		{"cpu": parsed("1"), "memory": parsed("1Gi")},
		{"cpu": parsed("1"), "memory": *resource.NewQuantity(1<<30, resource.DecimalSI)},
		{"memory": parsed("1Gi"), "ephemeral-storage": parsed("1G")},
	}
	for _, a := range lists {
		for _, b := range lists {
			var want []string
			switch {
			case len(a) == 0 && len(b) == 0: // omitted from both
			case len(a) == 0 || len(b) == 0: // omitted from one: the list whole
				want = []string{"/limits"}
			default:
				union := maps.Clone(a)
				maps.Copy(union, b)
				names := slices.Sorted(maps.Keys(union))
				for _, n := range names {
					qa, inA := a[n]
					qb, inB := b[n]
					ja, _ := json.Marshal(qa)
					jb, _ := json.Marshal(qb)
					if inA != inB || string(ja) != string(jb) {
						want = append(want, "/limits/"+string(n))
					}
				}
			}
			ra, rb := corev1.ResourceRequirements{Limits: a}, corev1.ResourceRequirements{Limits: b}
			var got []string
			for _, c := range typedChanges(reflect.ValueOf(ra), reflect.ValueOf(rb), nil) {
				got = append(got, pointer(c.path))
			}
			if !slices.Equal(got, want) {
				t.Errorf("%v against %v: changes %q, want %q", a, b, got, want)
			}
		}
	}
}
