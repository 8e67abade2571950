package validators_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// Pod security is judged after the hardening mutator, as in admission: what the
// platform can fix never shows up here.
func TestPodSecurityAfterHardening(t *testing.T) {
	cases := []struct {
		name      string
		podSpec   string
		wantRule  string
		wantField string
	}{
		{"plain pod is compliant once hardened", `{containers: [{name: c, image: x:1}]}`, "", ""},
		{"privileged", `{containers: [{name: ok, image: x:1}, {name: c, image: x:1, securityContext: {privileged: true}}]}`,
			"pss/privileged", "spec.containers[1].securityContext.privileged"},
		{"host network", `{hostNetwork: true, containers: [{name: c, image: x:1}]}`,
			"pss/hostNamespaces", "spec.hostNetwork"},
		{"host PID", `{hostPID: true, containers: [{name: c, image: x:1}]}`,
			"pss/hostNamespaces", "spec.hostPID"},
		{"hostPath volume", `{volumes: [{name: e, emptyDir: {}}, {name: h, hostPath: {path: /etc}}], containers: [{name: c, image: x:1}]}`,
			"pss/restrictedVolumes", "spec.volumes[1].hostPath"},
		{"nfs volume", `{volumes: [{name: e, emptyDir: {}}, {name: s, secret: {secretName: s}}, {name: share, nfs: {server: nfs, path: /}}], containers: [{name: c, image: x:1}]}`,
			"pss/restrictedVolumes", "spec.volumes[2]"},
		{"added capability", `{containers: [{name: c, image: x:1, securityContext: {capabilities: {add: [SYS_ADMIN]}}}]}`,
			"pss/capabilities_restricted", "spec.containers[0].securityContext.capabilities"},
		{"explicit root user", `{containers: [{name: c, image: x:1, securityContext: {runAsUser: 0}}]}`,
			"pss/runAsUser", "spec.containers[0].securityContext.runAsUser"},
		{"explicit runAsNonRoot false", `{securityContext: {runAsNonRoot: false}, containers: [{name: c, image: x:1}]}`,
			"pss/runAsNonRoot", "spec.securityContext.runAsNonRoot"},
		{"explicit privilege escalation", `{initContainers: [{name: i, image: x:1, securityContext: {allowPrivilegeEscalation: true}}], containers: [{name: c, image: x:1}]}`,
			"pss/allowPrivilegeEscalation", "spec.initContainers[0].securityContext.allowPrivilegeEscalation"},
		{"host port", `{containers: [{name: c, image: x:1, ports: [{containerPort: 80, hostPort: 80}]}]}`,
			"pss/hostPorts", "spec.containers[0].ports[0].hostPort"},
		{"unconfined seccomp", `{securityContext: {seccompProfile: {type: Unconfined}}, containers: [{name: c, image: x:1}]}`,
			"pss/seccompProfile_restricted", "spec.securityContext.seccompProfile"},
	}
	pss, err := validators.NewPodSecurity("restricted")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: "+c.podSpec)
			if _, err := (mutators.SecurityContext{}).Mutate(context.Background(), w, workloadtest.Env()); err != nil {
				t.Fatal(err)
			}
			got := pss.Validate(context.Background(), w, workloadtest.Env())
			if c.wantRule == "" {
				assertRules(t, got)
				return
			}
			found := false
			for _, v := range got {
				if v.Rule == c.wantRule {
					found = true
					if v.Field != c.wantField {
						t.Errorf("field %s, want %s", v.Field, c.wantField)
					}
					if v.Message == "" || v.Fix == "" {
						t.Errorf("no message or fix: %+v", v)
					}
				}
			}
			if !found {
				t.Fatalf("no %s violation in %+v", c.wantRule, got)
			}
		})
	}
}

func TestPodSecurityLevels(t *testing.T) {
	restricted, _ := validators.NewPodSecurity("restricted")
	baseline, _ := validators.NewPodSecurity("baseline")
	if len(baseline.Rules()) >= len(restricted.Rules()) {
		t.Fatalf("baseline has %d rules, restricted %d: restricted must add checks", len(baseline.Rules()), len(restricted.Rules()))
	}
	// A root container without hardening passes baseline but not restricted.
	w := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x:1}]}")
	if got := baseline.Validate(context.Background(), w, workloadtest.Env()); len(got) != 0 {
		t.Fatalf("baseline: %+v", got)
	}
	if got := restricted.Validate(context.Background(), w, workloadtest.Env()); len(got) == 0 {
		t.Fatal("restricted passed an unhardened pod")
	}
	if _, err := validators.NewPodSecurity("privileged"); err == nil {
		t.Fatal("privileged accepted as a level: it checks nothing")
	}
}

// hostProbesAndHostLifecycle and hostPorts name the probe, lifecycle handler
// or port that has the host's, not a fixed field: the finding points at it.
func TestPodSecurityNamesTheFieldWithTheHosts(t *testing.T) {
	baseline, _ := validators.NewPodSecurity("baseline")
	for _, c := range []struct{ container, field string }{
		{"{name: c, image: x:1, lifecycle: {postStart: {httpGet: {path: /, port: 80, host: 127.0.0.1}}}}", "spec.containers[0].lifecycle.postStart.httpGet.host"},
		{"{name: c, image: x:1, lifecycle: {preStop: {tcpSocket: {port: 80, host: db}}}}", "spec.containers[0].lifecycle.preStop.tcpSocket.host"},
		{"{name: c, image: x:1, livenessProbe: {httpGet: {path: /, port: 80, host: 10.0.0.1}}}", "spec.containers[0].livenessProbe.httpGet.host"},
		{"{name: c, image: x:1, startupProbe: {tcpSocket: {port: 80, host: db}}}", "spec.containers[0].startupProbe.tcpSocket.host"},
		{"{name: c, image: x:1, ports: [{containerPort: 80}, {containerPort: 443, hostPort: 443}]}", "spec.containers[0].ports[1].hostPort"},
	} {
		w := workloadtest.FromYAML(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: ["+c.container+"]}")
		got := baseline.Validate(context.Background(), w, workloadtest.Env())
		if len(got) != 1 || got[0].Field != c.field {
			t.Errorf("%s: %+v, want one finding at %s", c.container, got, c.field)
		}
	}
}

// A profile given by the annotation that came before
// securityContext.appArmorProfile is named where it is, with its fix; the
// profiles baseline allows there are not findings.
func TestPodSecurityNamesTheAppArmorAnnotation(t *testing.T) {
	baseline, _ := validators.NewPodSecurity("baseline")
	for _, c := range []struct{ value, field string }{
		{"unconfined", "spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]"},
		{"runtime/default", ""},
		{"localhost/k8s-nginx", ""},
	} {
		w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}, annotations: {container.apparmor.security.beta.kubernetes.io/c: `+c.value+`}}
    spec: {containers: [{name: c, image: "x:1"}]}`)
		got := baseline.Validate(context.Background(), w, workloadtest.Env())
		switch {
		case c.field == "" && len(got) > 0:
			t.Errorf("%s: %+v, want none", c.value, got)
		case c.field != "" && (len(got) != 1 || got[0].Field != c.field || !strings.Contains(got[0].Fix, "remove the annotation")):
			t.Errorf("%s: %+v, want one finding at %s", c.value, got, c.field)
		}
	}
}

// kubectl debug's default profile adds SYS_PTRACE to the container it
// writes, which the one who ran it never wrote: the fix names the flag that
// leaves it out, and only for that capability.
func TestPodSecurityTellsKubectlDebugItsProfile(t *testing.T) {
	restricted, _ := validators.NewPodSecurity("restricted")
	for _, c := range []struct {
		add   string
		debug bool
	}{
		{"[SYS_PTRACE]", true},
		{"[NET_ADMIN]", false},
	} {
		// a Pod as kubectl debug --copy-to writes it, the debug container
		// last, as pave's hardening leaves it
		w := workloadtest.FromYAML(t, `apiVersion: v1
kind: Pod
metadata: {name: web-debug}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - {name: web, image: "x:1", securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}
  - name: debugger
    image: "busybox:1.36"
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: `+c.add+`}}`)
		got := restricted.Validate(context.Background(), w, workloadtest.Env())
		if len(got) != 1 || got[0].Rule != "pss/capabilities_restricted" || got[0].Field != "spec.containers[1].securityContext.capabilities" {
			t.Fatalf("%s: %+v, want one capabilities finding on the debug container", c.add, got)
		}
		if hint := strings.Contains(got[0].Fix, "kubectl debug with --profile=restricted"); hint != c.debug {
			t.Errorf("%s: fix %q names kubectl debug's profile: %v, want %v", c.add, got[0].Fix, hint, c.debug)
		}
	}
}
