package check_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
)

// pave check generates a namespace's own objects once per run and lists them
// with every workload of the namespace: the same companions, in the same
// order, as --render, which runs the whole engine for each workload.
func TestNamespaceObjectsAreListedWithEveryWorkload(t *testing.T) {
	var data []byte
	for _, w := range []struct{ name, ns string }{{"api", "shop"}, {"web", "shop"}, {"blog", "blog"}} {
		data = fmt.Appendf(data, `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: %[1]s, namespace: %[2]s, labels: {pave.dev/team: %[2]s}}
spec:
  selector: {matchLabels: {app: %[1]s}}
  template:
    metadata: {labels: {app: %[1]s}}
    spec:
      containers: [{name: %[1]s, image: "registry.example.com/%[2]s/%[1]s:1.0"}]
`, w.name, w.ns)
	}
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	in := []manifest.Input{{Source: "workloads.yaml", Data: data}}
	listed := check.Run(context.Background(), in, check.Options{Engine: eng, DefaultNamespace: "default"})
	rendered := check.Run(context.Background(), in, check.Options{Engine: eng, DefaultNamespace: "default", Render: true})
	if len(listed.Errors) > 0 || len(rendered.Errors) > 0 || len(listed.Objects) != 3 || len(rendered.Objects) != 3 {
		t.Fatalf("errors %v %v; objects %d %d", listed.Errors, rendered.Errors, len(listed.Objects), len(rendered.Objects))
	}
	for i, o := range listed.Objects {
		if !slices.Equal(o.Companions, rendered.Objects[i].Companions) {
			t.Errorf("%s/%s: listed %v\nrendered %v", o.Namespace, o.Name, o.Companions, rendered.Objects[i].Companions)
		}
	}
	// The namespace's objects come last: the two workloads of shop end alike.
	api, web := listed.Objects[0].Companions, listed.Objects[1].Companions
	shared := 0
	for shared < min(len(api), len(web)) && api[len(api)-1-shared] == web[len(web)-1-shared] {
		shared++
	}
	if shared == 0 {
		t.Errorf("the workloads of shop share no namespace object: %v and %v", api, web)
	}
}
