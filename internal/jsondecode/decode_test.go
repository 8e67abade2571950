package jsondecode_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/internal/jsondecode"
)

// newDecoder decodes with memos for containers, volumes and resource lists
// (inside containers too), and container and volume lists made to size, as
// the webhook decodes workloads. Its memos copy deeply, where the webhook's
// shares the lists (workload.NewDecoder): TestRememberedValuesAreCopies
// changes them.
func newDecoder(maxBytes int) (*jsondecode.Decoder, *jsondecode.Memo[corev1.Container]) {
	cs := jsondecode.NewMemo(maxBytes, (*corev1.Container).DeepCopyInto)
	vs := jsondecode.NewMemo(maxBytes, (*corev1.Volume).DeepCopyInto)
	lists := jsondecode.Remember(jsondecode.NewMemo(maxBytes, func(src, dst *corev1.ResourceList) { src.DeepCopyInto(dst) }))
	return jsondecode.New(jsondecode.Remember(cs, lists), jsondecode.Remember(vs), lists,
		jsondecode.Presize[corev1.Container](4), jsondecode.Presize[corev1.Volume](4)), cs
}

// inputs are the engine's golden workloads as JSON, and broken documents.
func inputs(t testing.TB) [][]byte {
	files, err := filepath.Glob("../../pkg/engine/testdata/golden/*/input.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	var out [][]byte
	for _, f := range files {
		y, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		js, err := yaml.YAMLToJSON(y)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, js)
	}
	return append(out,
		[]byte(`{"spec":{"containers":[{"name":"a","image":"x"},{"name":"a","image":"x"}]}}`),
		[]byte(`{"spec":{"containers":[{"name":"a","ports":[{"containerPort":"80"}]}]}}`), // a type error
		[]byte(`{"spec":{"containers":[{"name":"a","image":"x"}]`),                        // truncated
		[]byte(`{"spec":{"containers":[{"name":"a"}]}} {}`),                               // trailing data
		[]byte(`{"spec":{"containers":[{"name":"a","resources":{"limits":{"cpu":"x"}}}]}}`),
		[]byte(`{"spec":{"volumes":[{"name":"v","emptyDir":{}},{"name":"v","emptyDir":{}}]}}`),
		[]byte(`{"spec":{"containers":[{"name":"a"},{"name":"b"},{"name":"c"},{"name":"d"},{"name":"e"},{"name":"f"}]}}`), // beyond the Presize limit
		[]byte(`{"spec":{"containers":[{"name":"a,]"},"x",{"name":"b"}]}}`),                                               // a type error mid-list
		[]byte(`{"spec":{"containers":[],"volumes":null,"initContainers":[ ]}}`),
		[]byte(`{"spec":{"containers":[x,x,x,x]}}`), // invalid: counted, then rejected
		[]byte(`{"Spec":{"Containers":[{"NAME":"a"}]},"spec":null}`),
		[]byte(`{"spec":{"hostNetwork":true,"HostNetwork":false}}`), // names match exactly
		[]byte(`{"spec":{"HostNetwork":"not a bool"}}`),             // an unknown field: no error
		[]byte(`{"spec":{"containers":[{"name":"a","livenesProbe":{}}],"x":1},"y":[]}`),
		[]byte(`null`), []byte(``), []byte(`"\xff"`),
	)
}

// TestUnmarshalAgreesWithTheAPIServer holds every decoder to the API server's
// (sigs.k8s.io/json): the same value, or an error, in encoding/json's words
// where encoding/json fails too.
func TestUnmarshalAgreesWithTheAPIServer(t *testing.T) {
	memo, _ := newDecoder(1 << 20)
	for _, d := range []*jsondecode.Decoder{nil, jsondecode.New(), memo} {
		for pass := range 2 { // the second pass decodes from the memo
			for _, in := range inputs(t) {
				agree(t, d, in, pass)
			}
		}
	}
}

func agree(t *testing.T, d *jsondecode.Decoder, in []byte, pass int) {
	t.Helper()
	var want, got, std corev1.Pod
	wantErr := sigsjson.UnmarshalCaseSensitivePreserveInts(in, &want)
	gotErr := d.Unmarshal(in, &got)
	stdErr := json.Unmarshal(in, &std)
	var typed *json.UnmarshalTypeError
	if errors.As(stdErr, &typed) { // a map's key as written (TestErrorsNameMapKeysAsWritten)
		typed.Field = strings.NewReplacer("~1", "/", "~0", "~").Replace(typed.Field)
	}
	switch {
	case (wantErr == nil) != (gotErr == nil):
		t.Errorf("pass %d, %.80s: error %v, the API server's %v", pass, in, gotErr, wantErr)
	case gotErr != nil && stdErr != nil && gotErr.Error() != stdErr.Error():
		t.Errorf("pass %d, %.80s: error %q, encoding/json's %q", pass, in, gotErr, stdErr)
	case wantErr == nil && !reflect.DeepEqual(got, want):
		t.Errorf("pass %d, %.80s: decoded\n%+v\nthe API server\n%+v", pass, in, got, want)
	case gotErr == nil && !json.Valid(in):
		// engine.Result.PatchDecoded reads raw without checking it again.
		t.Errorf("pass %d, %.80s: decoded what json.Valid rejects", pass, in)
	}
	agreeOnUnknownFields(t, in, wantErr, want)
}

// agreeOnUnknownFields holds UnmarshalKnown to the API server's decoder: the
// same value or an error, and the unknown fields its strict decoding names.
func agreeOnUnknownFields(t *testing.T, in []byte, wantErr error, want corev1.Pod) {
	t.Helper()
	var got, strict corev1.Pod
	unknown, err := jsondecode.UnmarshalKnown(in, &got)
	strictErrs, _ := sigsjson.UnmarshalStrict(in, &strict, sigsjson.DisallowUnknownFields)
	var wantUnknown []string
	for _, e := range strictErrs {
		wantUnknown = append(wantUnknown, e.Error())
	}
	switch {
	case (err == nil) != (wantErr == nil):
		t.Errorf("%.80s: UnmarshalKnown's error %v, the API server's %v", in, err, wantErr)
	case err == nil && !reflect.DeepEqual(got, want):
		t.Errorf("%.80s: UnmarshalKnown decoded\n%+v\nthe API server\n%+v", in, got, want)
	case err == nil && !slices.Equal(unknown, wantUnknown):
		t.Errorf("%.80s: unknown fields %q, the API server's %q", in, unknown, wantUnknown)
	}
}

// TestRememberedValuesAreCopies changes what the decodes gave and decodes the
// same bytes again: the memo's value must be untouched. A value is
// remembered the second time it is seen.
func TestRememberedValuesAreCopies(t *testing.T) {
	needMemo(t)
	d, cs := newDecoder(1 << 20)
	in := []byte(`{"spec":{"containers":[{"name":"app","image":"x","env":[{"name":"A","value":"1"}],"resources":{"limits":{"cpu":"1"}}}]}}`)
	for seen, want := range []int{0, 1, 1} {
		var first corev1.Pod
		if err := d.Unmarshal(in, &first); err != nil {
			t.Fatal(err)
		}
		if cs.Len() != want {
			t.Fatalf("seen %d times before: remembered %d containers, want %d", seen, cs.Len(), want)
		}
		change(&first.Spec.Containers[0])
	}
	var second corev1.Pod
	if err := d.Unmarshal(in, &second); err != nil {
		t.Fatal(err)
	}
	var want corev1.Pod
	if err := json.Unmarshal(in, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(second, want) {
		t.Fatalf("the memo handed out its own value: decoded %+v, want %+v", second.Spec.Containers, want.Spec.Containers)
	}
}

// change changes c everywhere a shallow copy would share with the memo.
func change(c *corev1.Container) {
	c.Env[0].Value = "changed"
	c.Resources.Limits[corev1.ResourceMemory] = c.Resources.Limits[corev1.ResourceCPU]
	c.Image = "changed"
}

// TestMemoIsBounded fills a small memo with distinct containers: it starts
// over instead of growing, and a value too large for it is not remembered.
func TestMemoIsBounded(t *testing.T) {
	needMemo(t)
	d, cs := newDecoder(1024)
	for i := range 100 {
		in := []byte(`{"spec":{"containers":[{"name":"c` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `"}]}}`)
		for range 2 { // remembered the second time
			var p corev1.Pod
			if err := d.Unmarshal(in, &p); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := cs.Len(); n == 0 || n*len(`{"name":"caa"}`) > 1024 {
		t.Fatalf("%d containers remembered in a 1 KiB memo", n)
	}
	d, cs = newDecoder(1024)
	for range 3 {
		var p corev1.Pod
		if err := d.Unmarshal([]byte(`{"spec":{"containers":[{"name":"a","image":"`+strings.Repeat("x", 80)+`"}]}}`), &p); err != nil {
			t.Fatal(err)
		}
	}
	if cs.Len() != 0 {
		t.Fatal("a container larger than a sixteenth of the memo was remembered")
	}
}

func needMemo(t *testing.T) {
	if !jsondecode.Remembers {
		t.Skip("built without GOEXPERIMENT=jsonv2: nothing is remembered")
	}
}

// FuzzUnmarshal holds the remembering decoder to the API server's on any input,
// twice (the second time through the memo).
func FuzzUnmarshal(f *testing.F) {
	for _, in := range inputs(f) {
		f.Add(in)
	}
	d, _ := newDecoder(1 << 16)
	f.Fuzz(func(t *testing.T, in []byte) {
		agree(t, d, in, 0)
		agree(t, d, in, 1)
	})
}

// A map's key in an error reads as written: annotations.example.com/owner,
// not a JSON pointer's example.com~1owner (json v2 names keys; the API
// server's decoder names the map alone).
func TestErrorsNameMapKeysAsWritten(t *testing.T) {
	in := []byte(`{"metadata":{"annotations":{"example.com/owner":{"team":"shop"}}}}`)
	var p corev1.Pod
	err := jsondecode.Unmarshal(in, &p)
	if err == nil || !strings.Contains(err.Error(), "annotations") {
		t.Fatalf("error %v, want one naming the annotations", err)
	}
	if strings.Contains(err.Error(), "owner") && !strings.Contains(err.Error(), "annotations.example.com/owner") {
		t.Errorf("error %q does not name the key as written", err)
	}
}

// TestListsAreMadeToSize: a pod's containers are decoded into a slice of
// their number, up to the hook's limit; beyond it the decoder grows it.
func TestListsAreMadeToSize(t *testing.T) {
	if !jsondecode.Remembers {
		t.Skip("hooks need json v2 (GOEXPERIMENT=jsonv2)")
	}
	d, _ := newDecoder(1 << 20)
	for n, want := range map[int]int{0: 0, 1: 1, 3: 3, 4: 4} {
		var names []string
		for i := range n {
			names = append(names, `{"name":"c`+strings.Repeat("]", i)+`"}`)
		}
		var p corev1.PodSpec
		if err := d.Unmarshal([]byte(` {"containers" : [`+strings.Join(names, " , ")+`]}`), &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Containers) != n || cap(p.Containers) != want {
			t.Errorf("%d containers: len %d cap %d, want cap %d", n, len(p.Containers), cap(p.Containers), want)
		}
	}
	var p corev1.PodSpec
	if err := d.Unmarshal([]byte(`{"containers":[{},{},{},{},{}]}`), &p); err != nil || len(p.Containers) != 5 {
		t.Fatalf("beyond the limit: %d containers, %v", len(p.Containers), err)
	}
}
