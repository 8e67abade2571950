package check_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/manifest"
)

// The objects of a List are checked one by one: one that cannot be checked is
// an error at its line (the line of the field it fails at), and the objects after it are still reported, in
// input order, whatever the number of workers.
func TestListItemsAreCheckedEachOnItsOwn(t *testing.T) {
	input := `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: first}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: broken}
  spec: {replicas: many}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: last}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: after}
`
	eng := defaultEngine(t)
	for _, workers := range []int{1, 2, 8} {
		rep := check.Run(context.Background(), []manifest.Input{{Source: "in.yaml", Data: []byte(input)}},
			check.Options{Engine: eng, DefaultNamespace: "default", Workers: workers})
		var names []string
		for _, o := range rep.Objects {
			names = append(names, o.Name)
		}
		if strings.Join(names, " ") != "first last after" {
			t.Errorf("%d workers: objects %v, want first last after", workers, names)
		}
		if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error(), "in.yaml:10: Deployment broken") {
			t.Errorf("%d workers: errors %v, want the broken Deployment's", workers, rep.Errors)
		}
	}
}
