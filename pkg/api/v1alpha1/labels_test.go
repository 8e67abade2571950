package v1alpha1_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Every label and annotation key in labels.go is documented in
// docs/annotations.md, and every key the doc's tables list is in labels.go.
func TestLabelsMatchTheDocs(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "labels.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var code []string
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			code = append(code, s)
		}
		return true
	})
	doc, err := os.ReadFile("../../../docs/annotations.md")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	row := regexp.MustCompile("(?m)^\\| `([^`]+)` \\|")
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		key, _, _ := strings.Cut(m[1], ":") // `app.kubernetes.io/managed-by: pave`
		documented = append(documented, strings.TrimSpace(key))
	}
	if len(code) < 10 || len(documented) < 10 {
		t.Fatalf("parsed %d keys from labels.go and %d from the doc: the parsers are stale", len(code), len(documented))
	}
	for _, k := range code {
		if !slices.Contains(documented, k) {
			t.Errorf("%s is in labels.go but not in docs/annotations.md", k)
		}
	}
	for _, k := range documented {
		if !slices.Contains(code, k) {
			t.Errorf("%s is in docs/annotations.md but not in labels.go", k)
		}
	}
}
