package check_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/manifest"
)

// Objects in a namespace pave's webhooks never match are admitted as they
// are: pave check reports them skipped, with why, and judges the rest.
func TestObjectsInUngovernedNamespacesAreSkipped(t *testing.T) {
	const pod = `apiVersion: v1
kind: Pod
metadata: {name: root, namespace: %s}
spec: {hostNetwork: true, containers: [{name: app, image: nginx}]}
`
	input := "---\n" + fmt.Sprintf(pod, "kube-system") + "---\n" + fmt.Sprintf(pod, "shop")
	rep := check.Run(context.Background(), []manifest.Input{{Source: "in.yaml", Data: []byte(input)}},
		check.Options{Engine: defaultEngine(t), DefaultNamespace: "default", Ungoverned: []string{"kube-system", "pave-system"}})
	if len(rep.Errors) > 0 || len(rep.Objects) != 2 {
		t.Fatalf("errors %v, %d objects", rep.Errors, len(rep.Objects))
	}
	system, team := rep.Objects[0], rep.Objects[1]
	if !system.Allowed || system.Workload || system.Skipped == "" || len(system.Violations) > 0 || len(system.Mutators) > 0 {
		t.Errorf("kube-system's pod: allowed %v, judged %v, skipped %q, %d findings, mutators %v; want it skipped as admission never sees it",
			system.Allowed, system.Workload, system.Skipped, len(system.Violations), system.Mutators)
	}
	if team.Allowed || team.Skipped != "" {
		t.Errorf("a team's host-network pod: allowed %v, skipped %q; want it denied", team.Allowed, team.Skipped)
	}
}
