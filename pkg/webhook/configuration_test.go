package webhook_test

import (
	"os"
	"slices"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/webhook"
	"github.com/pave-dev/pave/pkg/workload"
)

// The shipped webhook configurations send pave exactly the kinds the engine
// governs, plus the ephemeral containers subresource, for CREATE and UPDATE:
// the mutating webhook the workloads and the kinds without a pod template
// whose updates the engine completes (and for CREATE alone those whose
// creation only it completes), the validating webhook the workloads, a
// Pod's resize and the kinds without a pod template that the engine judges.
func TestWebhookRulesMatchTheGovernedKinds(t *testing.T) {
	path := "../../manifests/webhook/webhook-configurations.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"pods/" + webhook.SubresourceEphemeral}
	for _, k := range workload.Kinds() {
		if !workload.Supported(groupVersion(k.Group, k.Version), k.Kind) {
			t.Errorf("workload.Kinds lists %s, which workload.FromJSON does not decode", k.Kind)
		}
		want = append(want, k.Group+"/"+k.Resource)
	}
	slices.Sort(want)
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	wantValidating := append(slices.Clone(want), "pods/"+webhook.SubresourceResize)
	for _, gvk := range eng.ObjectKinds() {
		plural, _ := meta.UnsafeGuessKindToResource(gvk)
		wantValidating = append(wantValidating, gvk.Group+"/"+plural.Resource)
	}
	slices.Sort(wantValidating)
	docs := manifest.Split(path, data)
	if len(docs) != 2 {
		t.Fatalf("%d documents, want the mutating and the validating configuration", len(docs))
	}
	for _, doc := range docs {
		var cfg struct {
			Kind     string
			Webhooks []struct {
				Name              string
				Rules             []admissionregistrationv1.RuleWithOperations
				NamespaceSelector metav1.LabelSelector
				FailurePolicy     admissionregistrationv1.FailurePolicyType
			}
		}
		if err := yaml.Unmarshal(doc.Raw, &cfg); err != nil {
			t.Fatal(err)
		}
		var got, gotCreateOnly []string
		for _, wh := range cfg.Webhooks {
			// Zone isolation counts pods outside the system namespaces as zone
			// members because pave judged them: the configurations exclude
			// exactly the system namespaces and pave's own.
			wantOut := append(v1alpha1.SystemNamespaces(), "pave-system")
			sel := wh.NamespaceSelector
			if len(sel.MatchLabels) > 0 || len(sel.MatchExpressions) != 1 || sel.MatchExpressions[0].Key != v1alpha1.LabelNamespaceName ||
				sel.MatchExpressions[0].Operator != metav1.LabelSelectorOpNotIn || !slices.Equal(sel.MatchExpressions[0].Values, wantOut) {
				t.Errorf("%s: namespaceSelector %+v, want %s NotIn %v", cfg.Kind, sel, v1alpha1.LabelNamespaceName, wantOut)
			}
			for _, r := range wh.Rules {
				// ConfigMaps are judged by a webhook of their own that fails
				// open: the control plane writes one into every namespace.
				if slices.Contains(r.Resources, "configmaps") && (wh.FailurePolicy != admissionregistrationv1.Ignore || len(r.Resources) != 1) {
					t.Errorf("%s %s: configmaps are matched with failurePolicy %s beside %v; want a webhook of their own that fails open", cfg.Kind, wh.Name, wh.FailurePolicy, r.Resources)
				}
				if cfg.Kind == "MutatingWebhookConfiguration" && slices.Equal(r.Operations, []admissionregistrationv1.OperationType{"CREATE"}) {
					for _, g := range r.APIGroups {
						for _, res := range r.Resources {
							gotCreateOnly = append(gotCreateOnly, g+"/"+res)
						}
					}
					continue
				}
				if !slices.Equal(r.Operations, []admissionregistrationv1.OperationType{"CREATE", "UPDATE"}) {
					t.Errorf("%s: operations %v, want CREATE and UPDATE", cfg.Kind, r.Operations)
				}
				for _, g := range r.APIGroups {
					for _, res := range r.Resources {
						if res == "pods/"+webhook.SubresourceEphemeral || res == "pods/"+webhook.SubresourceResize {
							got = append(got, res)
							continue
						}
						got = append(got, g+"/"+res)
					}
				}
			}
		}
		slices.Sort(got)
		expect := want
		if cfg.Kind == "ValidatingWebhookConfiguration" {
			expect = wantValidating
		} else {
			// The kinds without a pod template whose updates pave completes
			// too (engine.UpdateCompleter).
			expect = slices.Clone(want)
			for _, gvk := range eng.UpdatedKinds() {
				plural, _ := meta.UnsafeGuessKindToResource(gvk)
				expect = append(expect, gvk.Group+"/"+plural.Resource)
			}
			slices.Sort(expect)
		}
		if !slices.Equal(got, expect) {
			t.Errorf("%s matches %v, want %v", cfg.Kind, got, expect)
		}
		if cfg.Kind == "MutatingWebhookConfiguration" {
			// The kinds without a pod template that pave completes at
			// creation only (engine.ObjectMutator, not an UpdateCompleter).
			var wantCreateOnly []string
			for _, gvk := range eng.MutatedKinds() {
				if eng.CompletesUpdates(gvk) {
					continue
				}
				plural, _ := meta.UnsafeGuessKindToResource(gvk)
				wantCreateOnly = append(wantCreateOnly, gvk.Group+"/"+plural.Resource)
			}
			slices.Sort(gotCreateOnly)
			if !slices.Equal(gotCreateOnly, wantCreateOnly) {
				t.Errorf("the mutating webhook completes %v at creation, want %v", gotCreateOnly, wantCreateOnly)
			}
		}
	}
}

func groupVersion(group, version string) string {
	if group == "" {
		return version
	}
	return group + "/" + version
}
