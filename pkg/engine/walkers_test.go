package engine

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// A walker given back holds nothing of the objects it walked (a pooled
// walker would keep them alive), and walks the next pair as a new one does.
func TestWalkersLendEmptyWalkers(t *testing.T) {
	a := &corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "a:1"}}}
	b := a.DeepCopy()
	b.Containers[0].Image = "a:2"
	b.Volumes = []corev1.Volume{{Name: "v"}}
	b.InitContainers = []corev1.Container{{Name: "proxy"}}

	var ws walkers
	w := ws.get()
	if got := w.changes(reflect.ValueOf(a), reflect.ValueOf(b), nil); len(got) != 3 {
		t.Fatalf("%d changes, want 3: %v", len(got), got)
	}
	w.reset()
	for name, vs := range map[string][]reflect.Value{"chain": w.chain[:cap(w.chain)], "chains": w.chains[:cap(w.chains)]} {
		for i, v := range vs {
			if v.IsValid() {
				t.Errorf("%s[%d] still holds a %s", name, i, v.Type())
			}
		}
	}
	for i, c := range w.out[:cap(w.out)] {
		if c.after.IsValid() || c.chain != nil || c.path != nil {
			t.Errorf("out[%d] still holds a change at %q", i, c.path)
		}
	}

	// The same walker again, on another pair: what a new one finds.
	c := b.DeepCopy()
	c.Containers[0].Name = "web"
	want := typedChanges(reflect.ValueOf(b), reflect.ValueOf(c), nil)
	got := w.changes(reflect.ValueOf(b), reflect.ValueOf(c), nil)
	if len(got) != len(want) || len(got) != 1 || pointer(got[0].path) != pointer(want[0].path) || got[0].after.String() != "web" {
		t.Errorf("reused walker: %v, new one: %v", got, want)
	}
}
