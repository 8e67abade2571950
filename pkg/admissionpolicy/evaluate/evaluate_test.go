package evaluate_test

import (
	"context"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/secrets"
	"github.com/pave-dev/pave/pkg/zones"
)

// pave's own guards, judged outside the API server, give the verdicts and
// messages the API server gives them (e2e TestTeamMemberCannotOpenTheZone,
// TestTeamMemberCannotReachAnotherNamespacesSecrets, TestZoneNamespaceCanBeDeleted).
func TestPolicyJudgesPavesGuardsAsTheAPIServerDoes(t *testing.T) {
	spec := policy.Default().Spec
	spec.Secrets.Store = "org-vault"
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	var vaps []*admissionregistrationv1.ValidatingAdmissionPolicy
	for _, g := range []engine.ClusterGenerator{zones.Guard{Install: v1alpha1.Install{PaveNamespace: "pave-system"}}, secrets.Guard{Install: v1alpha1.Install{PaveNamespace: "pave-system"}}} {
		objs, err := g.GenerateCluster(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		vaps = append(vaps, objs[0].(*admissionregistrationv1.ValidatingAdmissionPolicy))
	}
	team := []string{"system:authenticated"}
	netpol := schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies"}
	es := schema.GroupVersionResource{Group: "external-secrets.io", Version: "v1", Resource: "externalsecrets"}
	push := schema.GroupVersionResource{Group: "external-secrets.io", Version: "v1alpha1", Resource: "pushsecrets"}
	const store = "  secretStoreRef: {kind: ClusterSecretStore, name: org-vault}\n"
	for _, c := range []struct {
		name      string
		resource  schema.GroupVersionResource
		op        admissionregistrationv1.OperationType
		namespace string
		groups    []string
		doc       string
		want      string // a failed validation's message holds it; "" for none
	}{
		{"allow-all", netpol, "CREATE", "team", team, "metadata: {name: allow-all}\nspec: {podSelector: {}, ingress: [{}]}", "NetworkPolicy allow-all reaches beyond namespace team"},
		{"every namespace", netpol, "CREATE", "team", team, "metadata: {name: ns}\nspec: {podSelector: {}, ingress: [{from: [{namespaceSelector: {}}]}]}", "reaches beyond namespace team"},
		{"own pods", netpol, "CREATE", "team", team, "metadata: {name: own}\nspec: {podSelector: {}, ingress: [{from: [{podSelector: {}}]}], egress: [{to: [{podSelector: {}}]}]}", ""},
		{"the default deny, deleted", netpol, "DELETE", "team", team, "metadata: {name: pave-zone}\nspec: {podSelector: {}}", "NetworkPolicy pave-zone is the zone's isolation"},
		{"the default deny, deleted with its namespace", netpol, "DELETE", "team", []string{"system:serviceaccounts", "system:serviceaccounts:kube-system"}, "metadata: {name: pave-zone}\nspec: {podSelector: {}}", ""},
		{"allow-all by the platform team", netpol, "CREATE", "team", []string{"system:masters"}, "metadata: {name: allow-all}\nspec: {podSelector: {}, ingress: [{}]}", ""},
		{"allow-all in kube-system", netpol, "CREATE", "kube-system", team, "metadata: {name: allow-all}\nspec: {podSelector: {}, ingress: [{}]}", ""},
		{"another namespace's key", es, "CREATE", "team", team, "metadata: {name: other}\nspec:\n" + store + "  data: [{secretKey: p, remoteRef: {key: team-other/db}}]",
			"ExternalSecret other names key team-other/db of ClusterSecretStore org-vault in spec.data, outside namespace team: "},
		{"a search", es, "UPDATE", "team", team, "metadata: {name: search}\nspec:\n" + store + "  dataFrom: [{find: {name: {regexp: .*}}}]", "searches ClusterSecretStore org-vault"},
		{"a ClusterExternalSecret's, by the operator", es, "CREATE", "team", []string{"system:serviceaccounts", "system:serviceaccounts:external-secrets"},
			"metadata: {name: shared}\nspec:\n" + store + "  data: [{secretKey: token, remoteRef: {key: shared/registry}}]", ""},
		{"own key", es, "CREATE", "team", team, "metadata: {name: own}\nspec:\n" + store + "  dataFrom: [{extract: {key: team/db}}]", ""},
		{"no spec", es, "CREATE", "team", team, "metadata: {name: empty}", ""},
		{"a push to another namespace's key", push, "CREATE", "team", team,
			"metadata: {name: overwrite}\nspec: {secretStoreRefs: [{kind: ClusterSecretStore, name: org-vault}], data: [{match: {remoteRef: {remoteKey: team-other/db}}}]}", "PushSecret overwrite names key team-other/db"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var obj map[string]any
			if err := yaml.Unmarshal([]byte(c.doc), &obj); err != nil {
				t.Fatal(err)
			}
			req := evaluate.Request{Resource: c.resource, Operation: c.op, Namespace: c.namespace, NamespaceLabels: map[string]string{"pave.dev/zone": "internal"}, Groups: c.groups, Object: obj}
			if c.op == "DELETE" {
				req.Object, req.OldObject = nil, obj
			}
			var failed []string
			matched := 0
			for _, vap := range vaps {
				m, f, err := evaluate.Policy(vap, req)
				if err != nil {
					t.Fatal(err)
				}
				if m {
					matched++
				}
				failed = append(failed, f...)
			}
			if c.namespace != "kube-system" && matched != 1 {
				t.Errorf("%d guards matched, want one", matched)
			}
			switch {
			case c.want == "" && len(failed) > 0:
				t.Errorf("refused: %q", failed)
			case c.want != "" && (len(failed) != 1 || !strings.Contains(failed[0], c.want)):
				t.Errorf("failed %q, want one holding %q", failed, c.want)
			}
		})
	}
}

// A variable the API server would refuse to store is refused here too, so
// that a guard's unit test fails where the cluster would: "namespace" is
// one of CEL's reserved words, and a name must be an identifier.
func TestCompileRefusesVariablesTheAPIServerRefuses(t *testing.T) {
	for name, ok := range map[string]bool{"claimNamespace": true, "_x1": true, "namespace": false, "in": false, "4ever": false, "a-b": false, "": false} {
		vap := &admissionregistrationv1.ValidatingAdmissionPolicy{Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
			Variables:   []admissionregistrationv1.Variable{{Name: name, Expression: "true"}},
			Validations: []admissionregistrationv1.Validation{{Expression: "true"}},
		}}
		if _, err := evaluate.Compile(vap); (err == nil) != ok {
			t.Errorf("variable %q: compiled %v, want %v (%v)", name, err == nil, ok, err)
		}
	}
}
