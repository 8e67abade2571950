package check_test

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/check"
)

// A workload kind under an apiVersion the API server no longer serves is
// an input error naming the one it serves: kubectl finds no such resource,
// and as an unknown kind it would have passed unjudged. A kind of the same
// name in another group is someone's custom resource.
func TestUnservedAPIVersionIsAnInputError(t *testing.T) {
	const meta = "metadata: {name: web}\nspec: {}\n"
	for _, c := range []struct{ name, doc, want string }{
		{"apps/v1beta2", "apiVersion: apps/v1beta2\nkind: Deployment\n" + meta, `Deployment "web": no matches for kind "Deployment" in version "apps/v1beta2": the API server stopped serving it in Kubernetes 1.16; write apiVersion: apps/v1`},
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

// A kind a built-in API group does not have, or a version it does not have,
// is an input error with what was likely meant: kubectl finds no resource
// for it and sends nothing, and as a kind pave does not govern it would have
// passed unjudged. A group outside Kubernetes' own may be a custom resource
// the cluster has.
func TestUnknownKindOfABuiltInGroupIsAnInputError(t *testing.T) {
	const meta = "metadata: {name: web}\n"
	for _, c := range []struct{ name, doc, want string }{
		{"a typo", "apiVersion: apps/v1\nkind: Deploymnet\n" + meta, `Deploymnet "web": no matches for kind "Deploymnet" in version "apps/v1": did you mean kind: Deployment?`},
		{"a typo in lower case", "apiVersion: apps/v1\nkind: statefulsets\n" + meta, "did you mean kind: StatefulSet?"},
		{"lower case", "apiVersion: v1\nkind: configmap\n" + meta, `configmap "web": configmap in version "v1" cannot be handled as a ConfigMap: no kind "configmap" is registered for version "v1": write kind: ConfigMap`},
		{"another project's kind in the core group", "apiVersion: v1\nkind: DeploymentConfig\n" + meta, `no matches for kind "DeploymentConfig" in version "v1": v1 has no kind of that name`},
		{"a version the group lacks", "apiVersion: networking.k8s.io/v2\nkind: Ingress\n" + meta, `no matches for kind "Ingress" in version "networking.k8s.io/v2": write apiVersion: networking.k8s.io/v1`},
		{"the newest version", "apiVersion: autoscaling/v3\nkind: HorizontalPodAutoscaler\n" + meta, "write apiVersion: autoscaling/v2"},
		{"a version removed", "apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\n" + meta, `no matches for kind "Ingress" in version "networking.k8s.io/v1beta1": the API server stopped serving it in Kubernetes 1.22; write apiVersion: networking.k8s.io/v1`},
		{"a version removed, replaced in another group", "apiVersion: extensions/v1beta1\nkind: NetworkPolicy\n" + meta, "stopped serving it in Kubernetes 1.16; write apiVersion: networking.k8s.io/v1"},
		{"a version removed, with no replacement", "apiVersion: extensions/v1beta1\nkind: Scale\n" + meta, "stopped serving it in Kubernetes 1.16; Kubernetes 1.37 serves no version of it"},
		{"a version removed in this release", "apiVersion: networking.k8s.io/v1beta1\nkind: ServiceCIDR\n" + meta, "stopped serving it in Kubernetes 1.37"},
		{"a built-in kind", "apiVersion: policy/v1\nkind: PodDisruptionBudget\n" + meta, ""},
		{"a beta version not removed (the cluster may serve it)", "apiVersion: resource.k8s.io/v1beta2\nkind: DeviceClass\n" + meta, ""},
		{"a custom resource", "apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\n" + meta, ""},
		{"a custom resource under k8s.io", "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n" + meta, ""},
	} {
		t.Run(c.name, func(t *testing.T) { judgedOrInputError(t, c.doc, c.want) })
	}
}

// pave check stands in for the API server of the Kubernetes release whose
// API it links: the release it judges removed versions by is that one.
func TestKubernetesMinorIsTheLinkedAPIs(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", "k8s.io/api").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("v0.%d.", check.KubernetesMinor); !strings.HasPrefix(string(out), want) {
		t.Errorf("k8s.io/api is %s; pave check judges removed versions as Kubernetes 1.%d", out, check.KubernetesMinor)
	}
}
