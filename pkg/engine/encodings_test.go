package engine

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Whatever the memo holds, encode answers what encoding the value answers
// now: after the caller changes a value it encoded, for values that differ
// only inside, and for a quantity written in a form its encoding normalises.
// And the second time a large value is seen it is answered from memory.
func TestEncodingsAnswerWhatEncodingAnswers(t *testing.T) {
	sidecar := corev1.Container{Name: "istio-proxy", Image: "proxy:1.0", Args: []string{"proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local"},
		Env: []corev1.EnvVar{{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
			{Name: "POD_NAMESPACE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}},
			{Name: "ISTIO_META_CLUSTER_ID", Value: "Kubernetes"}},
		Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("0.5")}}}
	other := *sidecar.DeepCopy()
	other.Args[3] = "cluster.example"
	m := newEncodings()
	check := func(what string, v any) {
		t.Helper()
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.encode(reflect.ValueOf(v))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: encode gave %s (%v)\nencoding gives %s", what, got, err, want)
		}
	}
	for range 3 {
		check("the sidecar", sidecar)
		check("a sidecar that differs inside", other)
		check("the sidecar in a slice", []corev1.Container{sidecar})
	}
	if len(m.entries) == 0 {
		t.Fatal("nothing remembered after three of each")
	}
	sidecar.Args[0] = "changed after encoding" // shares its array with the value encoded
	check("the sidecar, changed", sidecar)
	check("the slice, changed", []corev1.Container{sidecar})
	check("a small value", corev1.SecurityContext{})
	var nilMemo *encodings
	if got, err := nilMemo.encode(reflect.ValueOf(other)); err != nil || !json.Valid(got) {
		t.Errorf("a nil memo: %s %v", got, err)
	}
}
