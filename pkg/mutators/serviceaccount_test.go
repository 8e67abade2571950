package mutators_test

import (
	"context"
	"slices"
	"testing"

	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestServiceAccountToken(t *testing.T) {
	on, off := true, false
	cases := []struct {
		name    string
		field   string // automountServiceAccountToken in the pod spec, or ""
		policy  *bool
		want    *bool
		changed bool
	}{
		{"unset: turned off", "", &off, &off, true},
		{"asked for explicitly: kept", "true", &off, &on, false},
		{"explicitly off: kept", "false", &off, &off, false},
		{"policy leaves tokens on: untouched", "", &on, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x:1}]\n"
			if c.field != "" {
				doc += "  automountServiceAccountToken: " + c.field + "\n"
			}
			w := workloadtest.FromYAML(t, doc)
			env := workloadtest.Env()
			spec := env.Policy.Spec
			spec.Security.AutomountServiceAccountToken = c.policy
			p, err := policy.FromSpec(spec)
			if err != nil {
				t.Fatal(err)
			}
			env.Policy = p
			changed, err := mutators.ServiceAccountToken{}.Mutate(context.Background(), w, env)
			if err != nil || changed != c.changed {
				t.Fatalf("changed=%v err=%v, want %v", changed, err, c.changed)
			}
			got := w.PodSpec.AutomountServiceAccountToken
			if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
				t.Fatalf("automountServiceAccountToken = %v, want %v", deref(got), deref(c.want))
			}
		})
	}
}

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// The API server's ServiceAccount plugin mounts the token before the
// webhooks run; a pod that did not ask for it loses that mount with the
// field, and keeps every volume that is not it.
func TestServiceAccountTokenUnmountsTheAutomaticToken(t *testing.T) {
	const automatic = "kube-api-access-x7k2p"
	pod := func(automount, volumes string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" + automount +
			"  initContainers: [{name: i, image: x:1, volumeMounts: [{name: " + automatic + ", mountPath: /var/run/secrets/kubernetes.io/serviceaccount}]}]\n" +
			"  containers: [{name: c, image: x:1, volumeMounts: [{name: " + automatic + ", mountPath: /var/run/secrets/kubernetes.io/serviceaccount}, {name: " + automatic + ", mountPath: /token-again}, {name: data, mountPath: /data}]}]\n" +
			"  volumes:\n  - {name: data, emptyDir: {}}\n" + volumes
	}
	const token = "  - {name: " + automatic + ", projected: {sources: [{serviceAccountToken: {path: token}}, {configMap: {name: kube-root-ca.crt}}]}}\n"
	cases := []struct {
		name, doc   string
		wantVolumes []string
		wantMounts  []string // of container c
	}{
		{"the plugin's mount goes", pod("", token), []string{"data"}, []string{"data"}},
		{"asked for: kept", pod("  automountServiceAccountToken: true\n", token), []string{"data", automatic}, []string{automatic, automatic, "data"}},
		{"a volume of that name that holds no token: kept",
			pod("", "  - {name: "+automatic+", configMap: {name: x}}\n"), []string{"data", automatic}, []string{automatic, automatic, "data"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, c.doc)
			if _, err := (mutators.ServiceAccountToken{}).Mutate(context.Background(), w, workloadtest.Env()); err != nil {
				t.Fatal(err)
			}
			var volumes, mounts, initMounts []string
			for _, v := range w.PodSpec.Volumes {
				volumes = append(volumes, v.Name)
			}
			for _, m := range w.PodSpec.Containers[0].VolumeMounts {
				mounts = append(mounts, m.Name)
			}
			for _, m := range w.PodSpec.InitContainers[0].VolumeMounts {
				initMounts = append(initMounts, m.Name)
			}
			if !slices.Equal(volumes, c.wantVolumes) || !slices.Equal(mounts, c.wantMounts) {
				t.Errorf("volumes %v, mounts %v; want %v, %v", volumes, mounts, c.wantVolumes, c.wantMounts)
			}
			if kept := slices.Contains(c.wantVolumes, automatic); kept != (len(initMounts) == 1) {
				t.Errorf("init container mounts %v with the volume kept=%v", initMounts, kept)
			}
		})
	}
}
