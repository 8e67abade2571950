package workload_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/pave-dev/pave/internal/jsondecode"
	"github.com/pave-dev/pave/pkg/workload"
)

// New Deployments whose containers are new but whose resource lists are the
// same get one remembered list each, shared, once the decoder has seen it
// twice: the value as decoded, without a map to allocate.
func TestDecoderSharesRememberedResourceLists(t *testing.T) {
	if !jsondecode.Remembers {
		t.Skip("built without json v2: the decoder remembers nothing")
	}
	d := workload.NewDecoder()
	var got []*workload.Workload
	for i := range 4 {
		raw := fmt.Sprintf(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web-%d"},"spec":{"template":{"spec":{"containers":[`+
			`{"name":"web","image":"registry.example.com/web:1.%d","resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"memory":"256Mi"}}}]}}}}`, i, i)
		w, err := d.FromJSON("apps/v1", "Deployment", []byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, w)
	}
	same := func(a, b any) bool { return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer() }
	third, fourth := got[2].PodSpec.Containers[0].Resources, got[3].PodSpec.Containers[0].Resources
	if !same(third.Requests, fourth.Requests) || !same(third.Limits, fourth.Limits) {
		t.Fatal("the lists seen twice before are not the remembered ones")
	}
	if same(got[0].PodSpec.Containers[0].Resources.Requests, fourth.Requests) {
		t.Fatal("the list seen first is remembered: only its hash should be")
	}
	if q := fourth.Requests.Cpu(); q.String() != "100m" || fourth.Requests.Memory().String() != "128Mi" || fourth.Limits.Memory().String() != "256Mi" {
		t.Fatalf("remembered lists %v %v", fourth.Requests, fourth.Limits)
	}
	if got[3].PodSpec.Containers[0].Image != "registry.example.com/web:1.3" {
		t.Fatalf("image %q", got[3].PodSpec.Containers[0].Image)
	}
}
