package engine

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gomodules.xyz/jsonpatch/v2"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/workload"
)

// TestEncodingsAgreeWithEncodingJSON encodes every part of every golden
// output the patch may add whole, twice (the second time from the memo), and
// holds each to json.Marshal.
func TestEncodingsAgreeWithEncodingJSON(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*/output.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden outputs: %v", err)
	}
	enc := newEncodings(1 << 20)
	remembered := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range manifest.Split(f, data) {
			js, err := yaml.YAMLToJSON(doc.Raw)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			var tm struct{ APIVersion, Kind string }
			_ = json.Unmarshal(js, &tm)
			w, err := workload.FromJSON(tm.APIVersion, tm.Kind, js)
			if err != nil || w == nil {
				continue
			}
			spec := reflect.ValueOf(w.PodSpec).Elem()
			values := []reflect.Value{spec, spec.FieldByName("Containers"), spec.FieldByName("InitContainers"), spec.FieldByName("Volumes"),
				spec.FieldByName("SecurityContext"), reflect.ValueOf(w.PodMeta).Elem().FieldByName("Labels")}
			for _, name := range []string{"Containers", "InitContainers"} {
				cs := spec.FieldByName(name)
				for i := range cs.Len() {
					values = append(values, cs.Index(i), cs.Index(i).FieldByName("SecurityContext"), cs.Index(i).FieldByName("Resources"))
				}
			}
			for _, v := range values {
				want, err := json.Marshal(v.Interface())
				if err != nil {
					t.Fatal(err)
				}
				for pass := range 2 {
					got, err := enc.encode(v)
					if err != nil || !bytes.Equal(got, want) {
						t.Fatalf("%s, %s, pass %d: encoded\n%s\nencoding/json\n%s\n(%v)", f, v.Type(), pass, got, want, err)
					}
				}
			}
			remembered = len(enc.m)
		}
	}
	if remembered == 0 {
		t.Fatal("nothing was remembered: the memo is never used")
	}
}

// upper is a string type that encodes itself: it is not written as a string.
type upper string

func (u upper) MarshalJSON() ([]byte, error) { return json.Marshal(strings.ToUpper(string(u))) }

// The small values written without encoding/json are written as it writes
// them, and those it would escape, or that encode themselves, go to it.
func TestPlainValuesAgreeWithEncodingJSON(t *testing.T) {
	yes, s := true, "stable"
	var nilMap map[string]string
	for _, v := range []any{"internal", "", "a<b", "é", "\u2028", `q"`, true, false, 0, -42, int32(7), int64(1) << 40,
		&yes, &s, (*bool)(nil), corev1.ResourceName("cpu"), upper("x"),
		map[string]string{"b": "2", "a": "1", "pave.dev/sidecar-status": "3d48f4acb85fc84a"}, map[string]string{}, nilMap,
		map[string]string{"a": "<"}, map[string]string{"é": "1"}, map[corev1.ResourceName]string{"cpu": "1"}} {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := (*encodings)(nil).encode(reflect.ValueOf(v))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%T %v: encoded %s, encoding/json %s (%v)", v, v, got, want, err)
		}
	}
}

// TestEncodingsAreBounded fills a small memo: it starts over, never grows
// past its bound.
func TestEncodingsAreBounded(t *testing.T) {
	enc := newEncodings(4096)
	for i := range 500 {
		port := &corev1.ContainerPort{ContainerPort: int32(i)}
		if _, err := enc.encode(reflect.ValueOf(port)); err != nil {
			t.Fatal(err)
		}
		if enc.size > 4096 {
			t.Fatalf("%d bytes remembered in a 4 KiB memo", enc.size)
		}
	}
}

// A list's elements, encoded apart, are written by AppendPatch and by
// encoding/json as the list encoded whole.
func TestListsAreWrittenWhole(t *testing.T) {
	volumes := []corev1.Volume{{Name: "a", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}, {Name: "b"}}
	want, err := json.Marshal(volumes)
	if err != nil {
		t.Fatal(err)
	}
	v, err := newEncodings(1<<10).value(reflect.ValueOf(volumes), new([]byte))
	if _, ok := v.(jsonList); err != nil || !ok {
		t.Fatalf("a list of API values is %T (%v), want its elements apart", v, err)
	}
	ops := []jsonpatch.Operation{{Operation: "add", Path: "/spec/volumes", Value: v}, {Operation: "add", Path: "/x", Value: json.RawMessage(`1`)}}
	patch, err := AppendPatch([]byte("lent"), ops)
	if err != nil {
		t.Fatal(err)
	}
	wantPatch := `lent[{"op":"add","path":"/spec/volumes","value":` + string(want) + `},{"op":"add","path":"/x","value":1}]`
	if string(patch) != wantPatch {
		t.Errorf("AppendPatch wrote\n%s\nwant\n%s", patch, wantPatch)
	}
	byJSON, err := json.Marshal(ops[0].Value)
	if err != nil || !bytes.Equal(byJSON, want) {
		t.Errorf("encoding/json wrote %s, want %s (%v)", byJSON, want, err)
	}
}
