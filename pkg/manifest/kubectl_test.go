package manifest_test

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/pave-dev/pave/pkg/manifest"
)

// streams are files kubectl reads in more than one way: JSON streams, JSON
// then YAML, YAML flow style, separators it refuses.
var streams = []string{
	// Where JSON fails after one object, kubectl reads YAML only if it can
	// read four bytes at a time past the object's spaces (found by the fuzzer).
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\n#",
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\n# c\n",
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}} \x85: x\n",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\"}}\n",
	`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}}`,
	"  \n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\nnull\n{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\"}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\napiVersion: v1\n",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\"}}\n{broken\n",
	"{apiVersion: v1, kind: ConfigMap, metadata: {name: flow}}\n",
	"{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n---\n{apiVersion: v1, kind: Pod, metadata: {name: b}}\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n--- {apiVersion: v1, kind: Pod, metadata: {name: b}}\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n# only a comment\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n",
	"# a comment first\n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n",
}

// kubectlBuffer is the buffer kubectl's resource builder gives its stream
// reader.
const kubectlBuffer = 4096

// kubectlReads is what kubectl's stream reader makes of data: each
// document's name, "!" for a document that is not an object with a name, and
// "!" last where it stops at an error.
func kubectlReads(data []byte) []string {
	var out []string
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), kubectlBuffer)
	for {
		var ext runtime.RawExtension
		err := d.Decode(&ext)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			return append(out, "!")
		}
		raw := bytes.TrimSpace(ext.Raw)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			continue
		}
		var obj unstructured.Unstructured // keys match exactly, as kubectl's do
		if obj.UnmarshalJSON(raw) != nil || obj.GetAPIVersion() == "" || obj.GetKind() == "" || !validMeta(obj.Object) {
			out = append(out, "!")
			continue
		}
		out = append(out, obj.GetName())
	}
}

// validMeta reports whether an object's metadata, name and namespace have
// their types: the API server refuses an object whose metadata does not,
// where kubectl's reader (unstructured) only overlooks them.
func validMeta(obj map[string]any) bool {
	m, ok := obj["metadata"]
	if !ok || m == nil {
		return true
	}
	meta, ok := m.(map[string]any)
	if !ok {
		return false
	}
	for _, k := range []string{"name", "namespace"} {
		if v, ok := meta[k]; ok && v != nil {
			if _, ok := v.(string); !ok {
				return false
			}
		}
	}
	return true
}

// paveReads is the same of pave's reader.
func paveReads(data []byte) []string {
	var out []string
	for _, d := range manifest.Split("f", data) {
		objs, err := manifest.Decode(d)
		if err != nil {
			out = append(out, "!")
			continue
		}
		for _, o := range objs {
			out = append(out, o.Name)
		}
	}
	return out
}

// agreeWithKubectl holds pave's reader to kubectl's: the same objects, in
// order. Where kubectl stops at an error (refusing the file), pave reads the
// objects kubectl read before it and reports an error too; it may read more,
// to report all it can.
func agreeWithKubectl(t *testing.T, data []byte) {
	t.Helper()
	want, got := kubectlReads(data), paveReads(data)
	if n := len(data); n > 0 && n%kubectlBuffer == 0 && data[n-1] != '\n' {
		// kubectl's reader drops a YAML file whose length is a multiple of
		// its buffer and whose last line has no newline (apimachinery's
		// YAMLOrJSONDecoder: [] for 4096 bytes, the object for 4095 or 4097);
		// pave reads it as kubectl reads the same file with the newline.
		want = kubectlReads(append(slices.Clip(data), '\n'))
	}
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		// pave refuses UTF-16 whole; kubectl cuts its characters at '\n'
		// and refuses all but the odd few bytes that survive that.
		if !slices.Equal(got, []string{"!"}) {
			t.Errorf("%q: UTF-16, pave reads %q", data, got)
		}
		return
	}
	if len(want) > 0 && want[len(want)-1] == "!" {
		before := want[:len(want)-1]
		if len(got) < len(before) || !slices.Equal(got[:len(before)], before) || !slices.Contains(got, "!") {
			t.Errorf("%q: kubectl reads %q and refuses the rest; pave reads %q", data, before, got)
		}
		return
	}
	if !slices.Equal(got, want) {
		t.Errorf("%q: pave reads %q, kubectl %q", data, got, want)
	}
}

func TestReadsStreamsAsKubectlDoes(t *testing.T) {
	for _, s := range streams {
		agreeWithKubectl(t, []byte(s))
	}
}

// FuzzReadsStreamsAsKubectlDoes holds pave's reader to kubectl's on any
// input.
func FuzzReadsStreamsAsKubectlDoes(f *testing.F) {
	for _, s := range streams {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { agreeWithKubectl(t, data) })
}
