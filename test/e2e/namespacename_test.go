package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// An object in a namespace no namespace can be named is refused by the API
// server before any webhook (NamespaceLifecycle: not found), whatever its
// kind; pave check reports it as an input error in the same words rather
// than judge it, and judges the input's other objects.
func TestCheckRefusesANamespaceThatCannotExist(t *testing.T) {
	namespace(t, "shop-eu", map[string]string{"pave.dev/team": "shop"})
	const want = `namespaces "Shop_EU" not found`
	for _, doc := range []string{
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: Shop_EU}\ndata: {a: b}\n",
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader, namespace: Shop_EU}\nrules: []\n",
	} {
		file := writeTemp(t, doc)
		if out, err := combinedKubectl("create", "--dry-run=server", "-f", file); err == nil || !strings.Contains(out, want) {
			t.Fatalf("kubectl create (error %v): %s\nwant it refused: %s", err, out, want)
		}
		js, _ := s.run(s.paveBin, "", "check", "-o", "json", "-f", file, "-f", writeTemp(t, strings.ReplaceAll(doc, "Shop_EU", "shop-eu")))
		var rep struct {
			Objects []struct{ Namespace string }
			Errors  []string
		}
		if err := json.Unmarshal([]byte(js), &rep); err != nil {
			t.Fatalf("pave check: %v\n%s", err, js)
		}
		if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0], want) || len(rep.Objects) != 1 || rep.Objects[0].Namespace != "shop-eu" {
			t.Errorf("pave check: %s\nwant one input error saying %s, and the object in shop-eu read", js, want)
		}
	}
}
