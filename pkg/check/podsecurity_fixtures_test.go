package check_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	psaapi "k8s.io/pod-security-admission/api"
	psa "k8s.io/pod-security-admission/policy"

	"github.com/pave-dev/pave/internal/psafixtures"
	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// The Kubernetes project's own Pod Security fixtures (the module's
// test/testdata: for its newest version, the pods each level refuses and
// those it accepts) through pave check, with the policy at that level.
// pave completes a pod and then judges it: it must never pass a pod the
// standard refuses once completed (as stored: pave's patch, then the API
// server's defaults), and a pod the standard accepts gets no pss/ finding.
// The fixtures are written as the API server reads them, before its
// defaults (a volume without a source is an emptyDir).
func TestPodSecurityFixturesOfKubernetes(t *testing.T) {
	eval, err := psa.NewEvaluator(psa.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, level := range []psaapi.Level{psaapi.LevelRestricted, psaapi.LevelBaseline} {
		t.Run(string(level), func(t *testing.T) { podSecurityFixtures(t, eval, level) })
	}
}

func podSecurityFixtures(t *testing.T, eval psa.Evaluator, level psaapi.Level) {
	files, err := psafixtures.Files(string(level))
	if err != nil {
		t.Fatal(err)
	}
	pol, _, err := policy.Load("policy.yaml", []byte("apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec: {security: {podSecurityLevel: "+string(level)+"}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := companions.Engine(pol)
	if err != nil {
		t.Fatal(err)
	}
	standard := psaapi.LevelVersion{Level: level, Version: psaapi.LatestVersion()}
	opts := check.Options{Engine: eng, DefaultNamespace: "apps", Render: true}
	for _, verdict := range []string{"fail", "pass"} {
		for _, f := range files[verdict] {
			t.Run(verdict+"/"+strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
				data, err := psafixtures.Read(f)
				if err != nil {
					t.Fatal(err)
				}
				rep := check.Run(context.Background(), []manifest.Input{{Source: f, Data: []byte(data)}}, opts)
				if len(rep.Errors) > 0 || len(rep.Objects) != 1 {
					t.Fatalf("errors %v, %d objects", rep.Errors, len(rep.Objects))
				}
				o := rep.Objects[0]
				var pss []string
				for _, v := range o.Violations {
					if strings.HasPrefix(v.Rule, "pss/") && v.Denies() {
						pss = append(pss, v.Rule)
					}
				}
				stored, err := workload.FromJSON("v1", "Pod", o.Rendered)
				if err != nil {
					t.Fatal(err)
				}
				check.APIDefaults(stored)
				if refused := refusals(eval.EvaluatePod(standard, stored.PodMeta, stored.PodSpec)); len(refused) > 0 && len(pss) == 0 {
					t.Errorf("passed (for pod security) a pod the %s standard refuses as stored: %s", level, strings.Join(refused, "; "))
				}
				if verdict == "pass" && len(pss) > 0 {
					t.Errorf("a pod the %s standard accepts is denied by %s", level, strings.Join(pss, ", "))
				}
			})
		}
	}
}

func refusals(results []psa.CheckResult) []string {
	var out []string
	for _, r := range results {
		if !r.Allowed {
			out = append(out, r.ForbiddenReason+": "+r.ForbiddenDetail)
		}
	}
	return out
}
