package check_test

import (
	"testing"
)

// A workload kind under an apiVersion the API server no longer serves is
// an input error naming the one it serves: kubectl finds no such resource,
// and as an unknown kind it would have passed unjudged. A kind of the same
// name in another group is someone's custom resource.
func TestUnservedAPIVersionIsAnInputError(t *testing.T) {
	const meta = "metadata: {name: web}\nspec: {}\n"
	for _, c := range []struct{ name, doc, want string }{
		{"apps/v1beta2", "apiVersion: apps/v1beta2\nkind: Deployment\n" + meta, `Deployment "web": no matches for kind "Deployment" in version "apps/v1beta2": the API server serves it as apps/v1 only; write apiVersion: apps/v1`},
		{"extensions", "apiVersion: extensions/v1beta1\nkind: DaemonSet\n" + meta, "write apiVersion: apps/v1"},
		{"batch/v1beta1", "apiVersion: batch/v1beta1\nkind: CronJob\n" + meta, "write apiVersion: batch/v1"},
		{"a custom resource", "apiVersion: example.com/v1\nkind: Deployment\n" + meta, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep := checkSecondLine(t, c.doc)
			if c.want == "" {
				if len(rep.Errors) > 0 || len(rep.Objects) != 1 || rep.Objects[0].Workload {
					t.Fatalf("errors %v, %d objects; want it passed as another kind", rep.Errors, len(rep.Objects))
				}
				return
			}
			inputErrorOnSecondLine(t, rep, c.want)
		})
	}
}
