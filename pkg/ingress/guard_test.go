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
	judge := ingressGuard(t)
	const server = "nginx.ingress.kubernetes.io/server-snippet"
	team := []string{"system:authenticated"}
	judgeAll(t, judge, []guardCase{
		{"a server snippet", team, nil, map[string]any{server: "location /x { return 200; }"}, server},
		{"a configuration snippet among others", team, nil, map[string]any{"nginx.ingress.kubernetes.io/rewrite-target": "/", "nginx.ingress.kubernetes.io/configuration-snippet": "more_set_headers x;"}, "nginx.ingress.kubernetes.io/configuration-snippet"},
		{"NGINX Inc's spelling", team, nil, map[string]any{"nginx.org/server-snippets": "x;"}, "nginx.org/server-snippets"},
		{"a snippet added by an update", team, map[string]any{}, map[string]any{server: "x;"}, server},
		{"a snippet changed by an update", team, map[string]any{server: "a;"}, map[string]any{server: "b;"}, server},
		{"a snippet kept by an update", team, map[string]any{server: "a;"}, map[string]any{server: "a;", "team": "web"}, ""},
		{"the controller's own annotations", team, nil, map[string]any{"nginx.ingress.kubernetes.io/rewrite-target": "/", "nginx.ingress.kubernetes.io/ssl-redirect": "true"}, ""},
		{"no annotations", team, nil, nil, ""},
		{"the platform team's snippet", []string{"system:masters"}, nil, map[string]any{server: "x;"}, ""},
	}, annotated, func(refused string) string {
		return "Ingress web sets annotation " + refused + ": a snippet is raw configuration of the ingress controller"
	})
}

// Values the ingress controller would read as configuration of its own
// (IngressNightmare's auth-url, auth-tls-match-cn and mirror-target, a
// quote in rewrite-target, alias and root directives) are refused from a
// team member; the controller's own values with nginx variables, lists and
// URLs pass, as do NGINX Inc's annotations, whose lists take semicolons.
func TestGuardRefusesAnnotationInjection(t *testing.T) {
	judge := ingressGuard(t)
	const (
		authURL = "nginx.ingress.kubernetes.io/auth-url"
		rewrite = "nginx.ingress.kubernetes.io/rewrite-target"
	)
	team := []string{"system:authenticated"}
	judgeAll(t, judge, []guardCase{
		{"a line break in auth-url", team, nil, map[string]any{authURL: "http://auth/#\nload_module /tmp/x.so;"}, authURL},
		{"a directive after a semicolon", team, nil, map[string]any{"nginx.ingress.kubernetes.io/mirror-target": "https://x/; alias /var/run/secrets/"}, "nginx.ingress.kubernetes.io/mirror-target"},
		{"a quote out of rewrite-target", team, nil, map[string]any{rewrite: `/" break`}, rewrite},
		{"a quote out of auth-tls-match-cn", team, nil, map[string]any{"nginx.ingress.kubernetes.io/auth-tls-match-cn": `CN=x'`}, "nginx.ingress.kubernetes.io/auth-tls-match-cn"},
		{"a block", team, nil, map[string]any{rewrite: "/ { }"}, rewrite},
		{"a backquote", team, nil, map[string]any{"nginx.ingress.kubernetes.io/auth-signin": "https://x/`id`"}, "nginx.ingress.kubernetes.io/auth-signin"},
		{"an injection added by an update", team, map[string]any{rewrite: "/"}, map[string]any{rewrite: "/;"}, rewrite},
		{"the controller's values", team, nil, map[string]any{rewrite: "/$2", "nginx.ingress.kubernetes.io/global-rate-limit-key": "${remote_addr}",
			"nginx.ingress.kubernetes.io/auth-signin":            "https://$host/oauth2/start?rd=$escaped_request_uri",
			"nginx.ingress.kubernetes.io/cors-allow-origin":      "https://a.example.com, https://*.b.example.com",
			"nginx.ingress.kubernetes.io/whitelist-source-range": "10.0.0.0/8,192.168.0.0/16",
			"nginx.ingress.kubernetes.io/ssl-ciphers":            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"}, ""},
		{"a pattern's quantifier", team, nil, map[string]any{"nginx.ingress.kubernetes.io/canary-by-header-pattern": "^v[0-9]{1,2}$"}, ""},
		{"NGINX Inc's lists", team, nil, map[string]any{"nginx.org/rewrites": "serviceName=tea rewrite=/;serviceName=coffee rewrite=/beans/"}, ""},
		{"other annotations", team, nil, map[string]any{"description": "a; b {c}"}, ""},
		{"a value kept by an update", team, map[string]any{rewrite: "/;"}, map[string]any{rewrite: "/;", "team": "web"}, ""},
		{"the platform team's", []string{"system:masters"}, nil, map[string]any{rewrite: "/;"}, ""},
	}, annotated, func(refused string) string {
		return "Ingress web sets annotation " + refused + " to a value with a line break, semicolon, quote or brace"
	})
}

// ingressGuard is a judge of Ingresses by the guard, as the API server
// would judge them, for a sender of groups: the Ingress was old (nil: a
// CREATE) and is new. It returns the messages of the validations that
// failed.
func ingressGuard(t *testing.T) func(t *testing.T, groups []string, old, new map[string]any) []string {
	objs, err := ingress.Guard{Install: v1alpha1.Install{PaveNamespace: "pave-system"}}.GenerateCluster(context.Background(), policy.Default())
	if err != nil || len(objs) != 2 {
		t.Fatalf("%d objects, %v", len(objs), err)
	}
	vap := objs[0].(*admissionregistrationv1.ValidatingAdmissionPolicy)
	return func(t *testing.T, groups []string, old, new map[string]any) []string {
		req := evaluate.Request{Resource: schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "ingresses"},
			Operation: "CREATE", Namespace: "shop", Groups: groups, Object: new}
		if old != nil {
			req.Operation, req.OldObject = "UPDATE", old
		}
		matched, failed, err := evaluate.Policy(vap, req)
		if err != nil || !matched {
			t.Fatalf("matched %v, %v", matched, err)
		}
		return failed
	}
}

// annotated is an Ingress web in namespace shop with annotations (nil:
// none), or nil for nil: the old object of a CREATE.
func annotated(annotations map[string]any) map[string]any {
	meta := map[string]any{"name": "web", "namespace": "shop"}
	if annotations != nil {
		meta["annotations"] = annotations
	}
	return map[string]any{"metadata": meta, "spec": map[string]any{}}
}

// A path that would end the location ingress-nginx writes it into is
// refused (CVE-2021-25745); regular expressions and paths the Ingress had
// pass.
func TestGuardRefusesInjectedPaths(t *testing.T) {
	judge := ingressGuard(t)
	routed := func(paths ...string) map[string]any {
		var ps []any
		for _, p := range paths {
			ps = append(ps, map[string]any{"path": p, "pathType": "ImplementationSpecific"})
		}
		ing := annotated(nil)
		ing["spec"] = map[string]any{"rules": []any{map[string]any{"host": "a.example.com"}, map[string]any{"http": map[string]any{"paths": ps}}}}
		return ing
	}
	const injected = `/x" { alias /var/run/secrets/; } location ~ "/y`
	team := []string{"system:authenticated"}
	judgeAll(t, judge, []guardCase{
		{"a quote and a directive", team, nil, routed("/", injected), injected},
		{"a line break", team, nil, routed("/a\nb"), "/a\nb"},
		{"an injection added by an update", team, routed("/"), routed("/", injected), injected},
		{"regular expressions", team, nil, routed("/api/v[0-9]{1,2}/(.*)", "/", "/static/.+\\.css$"), ""},
		{"no rules", team, nil, annotated(nil), ""},
		{"a path kept by an update", team, routed(injected), routed(injected, "/b"), ""},
		{"the platform team's", []string{"system:masters"}, nil, routed(injected), ""},
	}, nil, func(refused string) string {
		return "Ingress web routes path " + refused + ", with a line break, semicolon or quote"
	})
}

// An Ingress names only its namespace's Secrets and ConfigMaps for the
// controller to use: a client certificate of another namespace would be
// presented upstream for it.
func TestGuardRefusesOtherNamespacesReferences(t *testing.T) {
	judge := ingressGuard(t)
	const proxyCert = "nginx.ingress.kubernetes.io/proxy-ssl-secret"
	team := []string{"system:authenticated"}
	judgeAll(t, judge, []guardCase{
		{"another namespace's client certificate", team, nil, map[string]any{proxyCert: "payments/client-cert"}, proxyCert + " to payments/client-cert"},
		{"another namespace's CA", team, nil, map[string]any{"nginx.ingress.kubernetes.io/auth-tls-secret": "kube-system/ca"}, "nginx.ingress.kubernetes.io/auth-tls-secret to kube-system/ca"},
		{"a reference added by an update", team, map[string]any{proxyCert: "client-cert"}, map[string]any{proxyCert: "payments/client-cert"}, proxyCert + " to payments/client-cert"},
		{"its own namespace's", team, nil, map[string]any{proxyCert: "shop/client-cert", "nginx.ingress.kubernetes.io/auth-secret": "users"}, ""},
		{"other annotations with a slash", team, nil, map[string]any{"nginx.ingress.kubernetes.io/rewrite-target": "/a/b", "team": "payments/web"}, ""},
		{"a reference kept by an update", team, map[string]any{proxyCert: "payments/client-cert"}, map[string]any{proxyCert: "payments/client-cert", "team": "web"}, ""},
		{"the platform team's", []string{"system:masters"}, nil, map[string]any{proxyCert: "payments/client-cert"}, ""},
	}, annotated, func(refused string) string {
		return "Ingress web sets annotation " + refused + ", of another namespace"
	})
}

// guardCase is an Ingress judged by the guard: old (nil: a CREATE) and new,
// sent by a member of groups, and what its refusal names ("": admitted).
type guardCase struct {
	name     string
	groups   []string
	old, new map[string]any
	refused  string
}

// judgeAll judges each case, its old and new made Ingresses by object (nil:
// they are), and holds its refusal to the message want says.
func judgeAll(t *testing.T, judge func(*testing.T, []string, map[string]any, map[string]any) []string, cases []guardCase,
	object func(map[string]any) map[string]any, want func(refused string) string) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			old, new := c.old, c.new
			if object != nil {
				if old != nil {
					old = object(old)
				}
				new = object(new)
			}
			failed := judge(t, c.groups, old, new)
			switch {
			case c.refused == "" && len(failed) > 0:
				t.Errorf("refused: %q", failed)
			case c.refused != "" && (len(failed) != 1 || !strings.Contains(failed[0], want(c.refused))):
				t.Errorf("failed %q, want one naming %s", failed, c.refused)
			}
		})
	}
}
