package check_test

import (
	"fmt"
	"testing"
)

// A Service without ports, unless headless or an ExternalName, and an
// Ingress with neither rules nor a default backend are input errors in the
// API server's words (Kyverno's test resources had both); the rest of
// either spec is the API server's, and a whole one is judged.
func TestServiceAndIngressWithoutTheirRequiredSpec(t *testing.T) {
	const svc = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: %s\n"
	const ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec: %s\n"
	for _, c := range []struct{ name, doc, want string }{
		{"service with ports", fmt.Sprintf(svc, "{selector: {app: web}, ports: [{port: 80}]}"), ""},
		{"service without ports", fmt.Sprintf(svc, "{selector: {app: web}}"),
			`Service "web" is invalid: spec.ports: Required value: the API server refuses it after mutating admission`},
		{"service without a spec", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n", `spec.ports: Required value`},
		{"headless service", fmt.Sprintf(svc, "{clusterIP: None, selector: {app: web}}"), ""},
		{"headless by clusterIPs", fmt.Sprintf(svc, "{clusterIPs: [None], selector: {app: web}}"), ""},
		{"external name", fmt.Sprintf(svc, "{type: ExternalName, externalName: db.example.com}"), ""},
		{"ingress with rules", fmt.Sprintf(ing, "{rules: [{host: web.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}"), ""},
		{"ingress with a default backend", fmt.Sprintf(ing, "{defaultBackend: {service: {name: web, port: {number: 80}}}}"), ""},
		{"ingress without either", fmt.Sprintf(ing, "{ingressClassName: nginx}"),
			"Ingress \"web\" is invalid: spec: Invalid value: null: either `defaultBackend` or `rules` must be specified: the API server refuses it after mutating admission"},
		{"ingress with no rules", fmt.Sprintf(ing, "{rules: []}"), "spec: Invalid value: []: either `defaultBackend` or `rules` must be specified"},
	} {
		t.Run(c.name, func(t *testing.T) { judgedOrInputError(t, c.doc, c.want) })
	}
}
