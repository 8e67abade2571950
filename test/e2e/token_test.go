package e2e

import (
	"strings"
	"testing"
)

// A Pod created directly has its API token mounted by the API server's
// ServiceAccount plugin before pave's webhook runs; the policy's "no token
// unless asked" must hold for it as for a Deployment's pods: the stored Pod
// mounts no token. A Pod that asks for one keeps it.
func TestBarePodGetsNoTokenUnlessItAsks(t *testing.T) {
	teamNamespace(t, "team-token")
	if _, err := asDev(compliantPod, "create", "-n", "team-token", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	pod := getJSON(t, "-n", "team-token", "pod", "web")
	if at(pod, "spec", "automountServiceAccountToken") != false {
		t.Errorf("automountServiceAccountToken = %v", at(pod, "spec", "automountServiceAccountToken"))
	}
	if mounts := tokenMounts(pod); len(mounts) > 0 {
		t.Errorf("the Pod mounts the API token: %v", mounts)
	}

	asks := strings.Replace(compliantPod, "name: web,", "name: web-api,", 1) + "  automountServiceAccountToken: true\n"
	if _, err := asDev(asks, "create", "-n", "team-token", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	if mounts := tokenMounts(getJSON(t, "-n", "team-token", "pod", "web-api")); len(mounts) != 2 { // its container's mount and the volume
		t.Errorf("a Pod that asks for the token mounts %v", mounts)
	}
}

// tokenMounts lists the containers' mounts of a kube-api-access volume, and
// the volume itself.
func tokenMounts(pod map[string]any) []string {
	var out []string
	for _, list := range []string{"initContainers", "containers"} {
		containers, _ := at(pod, "spec", list).([]any)
		for _, c := range containers {
			mounts, _ := at(c, "volumeMounts").([]any)
			for _, m := range mounts {
				if name, _ := at(m, "name").(string); strings.HasPrefix(name, "kube-api-access-") {
					out = append(out, at(c, "name").(string)+":"+name)
				}
			}
		}
	}
	volumes, _ := at(pod, "spec", "volumes").([]any)
	for _, v := range volumes {
		if name, _ := at(v, "name").(string); strings.HasPrefix(name, "kube-api-access-") {
			out = append(out, "volume "+name)
		}
	}
	return out
}
