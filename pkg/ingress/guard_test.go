package ingress_test

import (
	"context"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/policy"
)

// Snippets, judged as the API server would (e2e
// TestTeamMemberCannotConfigureTheIngressController): refused from a team
// member, in either controller's spelling; other annotations pass; the
// platform team may; an Ingress keeping the snippet it has stays editable.
func TestGuardRefusesSnippets(t *testing.T) {
	objs, err := ingress.Guard{Install: v1alpha1.Install{PaveNamespace: "pave-system"}}.GenerateCluster(context.Background(), policy.Default())
	if err != nil || len(objs) != 2 {
		t.Fatalf("%d objects, %v", len(objs), err)
	}
	vap := objs[0].(*admissionregistrationv1.ValidatingAdmissionPolicy)
	ing := func(annotations map[string]any) map[string]any {
		meta := map[string]any{"name": "web", "namespace": "shop"}
		if annotations != nil {
			meta["annotations"] = annotations
		}
		return map[string]any{"metadata": meta, "spec": map[string]any{}}
	}
	const server = "nginx.ingress.kubernetes.io/server-snippet"
	team := []string{"system:authenticated"}
	for _, c := range []struct {
		name     string
		groups   []string
		old, new map[string]any // old nil: a CREATE
		refused  string         // the annotation named; "" for admitted
	}{
		{"a server snippet", team, nil, map[string]any{server: "location /x { return 200; }"}, server},
		{"a configuration snippet among others", team, nil, map[string]any{"nginx.ingress.kubernetes.io/rewrite-target": "/", "nginx.ingress.kubernetes.io/configuration-snippet": "more_set_headers x;"}, "nginx.ingress.kubernetes.io/configuration-snippet"},
		{"NGINX Inc's spelling", team, nil, map[string]any{"nginx.org/server-snippets": "x;"}, "nginx.org/server-snippets"},
		{"a snippet added by an update", team, map[string]any{}, map[string]any{server: "x;"}, server},
		{"a snippet changed by an update", team, map[string]any{server: "a;"}, map[string]any{server: "b;"}, server},
		{"a snippet kept by an update", team, map[string]any{server: "a;"}, map[string]any{server: "a;", "team": "web"}, ""},
		{"the controller's own annotations", team, nil, map[string]any{"nginx.ingress.kubernetes.io/rewrite-target": "/", "nginx.ingress.kubernetes.io/ssl-redirect": "true"}, ""},
		{"no annotations", team, nil, nil, ""},
		{"the platform team's snippet", []string{"system:masters"}, nil, map[string]any{server: "x;"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := evaluate.Request{Resource: schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "ingresses"},
				Operation: "CREATE", Namespace: "shop", Groups: c.groups, Object: ing(c.new)}
			if c.old != nil {
				req.Operation, req.OldObject = "UPDATE", ing(c.old)
			}
			matched, failed, err := evaluate.Policy(vap, req)
			if err != nil || !matched {
				t.Fatalf("matched %v, %v", matched, err)
			}
			switch {
			case c.refused == "" && len(failed) > 0:
				t.Errorf("refused: %q", failed)
			case c.refused != "" && (len(failed) != 1 || !strings.Contains(failed[0], "Ingress web sets annotation "+c.refused+": a snippet is raw configuration of the ingress controller")):
				t.Errorf("failed %q, want one naming %s", failed, c.refused)
			}
		})
	}
}
