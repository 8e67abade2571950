package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// kubectl's decoder makes a List of any object with an items field and
// sends its items, not the object; it refuses a List among a List's items,
// and (validating, as it does by default) a List with an item that is no
// object, sending none of its items. pave check reads a file as kubectl does,
// so CI judges what kubectl would send: an object among a ConfigMap's items
// is judged, not skipped with it.
func TestCheckReadsListsAsKubectlSendsThem(t *testing.T) {
	namespace(t, "lists", map[string]string{"pave.dev/team": "lists"})
	dir := t.TempDir()
	cases := map[string]string{
		"object-with-items":   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: holder}\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n",
		"null-items":          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: holder}\nitems: ~\n",
		"list":                "apiVersion: v1\nkind: ConfigMapList\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: e}}\n",
		"list-in-a-list":      "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n- apiVersion: v1\n  kind: List\n  items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: d}}]\n",
		"list-with-no-object": "apiVersion: v1\nkind: List\nitems:\n- {metadata: {name: nokind}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: f}}\n",
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, name+".yaml")
			if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
				t.Fatal(err)
			}
			out, refused := combinedKubectl("create", "--dry-run=server", "-n", "lists", "-o", "name", "-f", file)
			js, _ := s.run(s.paveBin, "", "check", "-n", "lists", "-o", "json", "-f", file)
			var rep struct {
				Objects []struct{ Kind, Name string }
				Errors  []string
			}
			if err := json.Unmarshal([]byte(js), &rep); err != nil {
				t.Fatalf("pave check: %v\n%s", err, js)
			}
			// kubectl prints what it sent, and an error for what it could
			// not read, for which pave check has an input error.
			var sent []string
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if strings.HasPrefix(line, "configmap/") {
					sent = append(sent, line)
				}
			}
			// Nothing to send (items: null) is an error of kubectl's
			// command, and of pave check's.
			var read []string
			for _, o := range rep.Objects {
				read = append(read, strings.ToLower(o.Kind)+"/"+o.Name)
			}
			if !slices.Equal(read, sent) || (refused != nil) != (len(rep.Errors) > 0) {
				t.Errorf("kubectl sends %q (error: %v)\n%s\npave check read %q, errors %q", sent, refused, out, read, rep.Errors)
			}
		})
	}
}
