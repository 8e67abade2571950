package e2e

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// What one team could take from the others on a shared cluster, tried as
// the team member.

// Nothing in Kubernetes keeps the system priority classes to kube-system: a
// team member's pods of one would preempt every other team's. Refused for
// a Pod and a workload's template; a class the platform made passes.
func TestTeamMemberCannotTakeASystemPriority(t *testing.T) {
	teamNamespace(t, "team-prio")
	if _, err := s.kubectlIn("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: e2e-batch}\nvalue: 1000\n", "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "priorityclass", "e2e-batch", "--ignore-not-found") })
	critical := strings.Replace(compliantPod, "spec:\n", "spec:\n  priorityClassName: system-node-critical\n", 1)
	_, err := asDev(critical, "apply", "-n", "team-prio", "-f", "-")
	denied(t, "a Pod of system-node-critical", err, "[priority-class] spec.priorityClassName", `PriorityClass "system-node-critical"`)
	absent(t, "team-prio", "pod", "web")
	deploy := `apiVersion: apps/v1
kind: Deployment
metadata: {name: grab}
spec:
  selector: {matchLabels: {app: grab}}
  template:
    metadata: {labels: {app: grab}}
    spec:
      priorityClassName: system-cluster-critical
      containers: [{name: app, image: nginx:1.27.3, readinessProbe: {httpGet: {path: /, port: 80}}}]
`
	_, err = asDev(deploy, "apply", "-n", "team-prio", "-f", "-")
	denied(t, "a Deployment of system-cluster-critical", err, "[priority-class] spec.template.spec.priorityClassName")
	absent(t, "team-prio", "deployment", "grab")
	if _, err := asDev(strings.Replace(critical, "system-node-critical", "e2e-batch", 1), "apply", "-n", "team-prio", "-f", "-"); err != nil {
		t.Fatalf("a Pod of the platform's own class was refused: %v", err)
	}
}

// The platform's own PriorityClasses are judged by value against the
// namespace's tier: a team member's Pod of a class above the tier's
// maxPriority is denied, with the value the API server's Priority admission
// gave it; one within it runs. A Deployment's template names only the
// class: it is judged by the value of the class in the admission server's
// cache.
func TestTeamMemberCannotRunAboveTheTiersPriority(t *testing.T) {
	usePolicy(t, `{tiers: {defaultTier: medium, tiers: [
  {name: small, quota: {requests.cpu: "4", requests.memory: 8Gi, limits.memory: 16Gi, pods: "50"}, maxPerContainer: {memory: 4Gi}},
  {name: medium, quota: {requests.cpu: "16", requests.memory: 32Gi, limits.memory: 64Gi, pods: "200"}, maxPerContainer: {memory: 16Gi}, maxPriority: 1000},
  {name: large, quota: {requests.cpu: "64", requests.memory: 128Gi, limits.memory: 256Gi, pods: "1000"}, maxPerContainer: {memory: 64Gi}}]}}`)
	teamNamespace(t, "team-tier-prio")
	classes := "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: e2e-platform-high}\nvalue: 1000000\n---\n" +
		"apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: e2e-team-batch}\nvalue: 500\n"
	if _, err := s.kubectlIn(classes, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = s.kubectl("delete", "priorityclass", "e2e-platform-high", "e2e-team-batch", "--ignore-not-found")
	})
	high := strings.Replace(compliantPod, "spec:\n", "spec:\n  priorityClassName: e2e-platform-high\n", 1)
	var err error
	eventually(t, 30*time.Second, func() error { // the admission server loads the policy
		if _, err = asDev(high, "create", "-n", "team-tier-prio", "-f", "-"); err == nil {
			_, _ = s.kubectl("delete", "-n", "team-tier-prio", "pod", "web", "--wait=false")
			return errors.New("a Pod above the tier's priority was admitted")
		}
		return nil
	})
	denied(t, "a Pod of the platform's high class", err, "[priority-class] spec.priorityClassName",
		`priority 1000000 (PriorityClass "e2e-platform-high"), above 1000, the most tier "medium" allows`)
	if _, err := asDev(strings.Replace(high, "e2e-platform-high", "e2e-team-batch", 1), "create", "-n", "team-tier-prio", "-f", "-"); err != nil {
		t.Fatalf("a Pod within the tier's priority was refused: %v", err)
	}
	grab := deployment("grab", "      priorityClassName: e2e-platform-high\n      containers: [{name: app, image: nginx:1.27.3, readinessProbe: {httpGet: {path: /, port: 80}}}]\n")
	eventually(t, 30*time.Second, func() error { // the admission server's cache learns of the class
		if _, err = asDev(grab, "create", "-n", "team-tier-prio", "-f", "-"); err == nil {
			_, _ = s.kubectl("delete", "-n", "team-tier-prio", "deployment", "grab", "--wait=false")
			return errors.New("a Deployment of a class above the tier's priority was admitted")
		}
		return nil
	})
	denied(t, "a Deployment of the platform's high class", err, "[priority-class] spec.template.spec.priorityClassName", "priority 1000000")
	absent(t, "team-tier-prio", "deployment", "grab")
	within := deployment("batch", "      priorityClassName: e2e-team-batch\n      containers: [{name: app, image: nginx:1.27.3, readinessProbe: {httpGet: {path: /, port: 80}}}]\n")
	if _, err := asDev(within, "create", "-n", "team-tier-prio", "-f", "-"); err != nil {
		t.Fatalf("a Deployment within the tier's priority was refused: %v", err)
	}
}

// The API server's Priority admission fills in a pod's priority and
// preemption policy from its class and refuses a pod that set others, but
// judges only Pods: a team member's Deployment whose template sets its own
// (copied from a running Pod) would be admitted and never run. pave denies
// it at the Deployment, by the class in the admission server's cache (or
// priority 0, where no class is the default); one of its class's own
// values is admitted, and its ReplicaSet makes its pod.
func TestTeamMemberCannotDeployPodsThePriorityAdmissionRefuses(t *testing.T) {
	teamNamespace(t, "team-pod-prio")
	if _, err := s.kubectlIn("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: e2e-never}\nvalue: 700\npreemptionPolicy: Never\n", "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.kubectl("delete", "priorityclass", "e2e-never", "--ignore-not-found") })
	containers := "      containers: [{name: app, image: nginx:1.27.3, readinessProbe: {httpGet: {path: /, port: 80}}}]\n"
	_, err := asDev(deployment("copied", "      priority: 10\n"+containers), "create", "-n", "team-pod-prio", "-f", "-")
	denied(t, "a Deployment of its own priority", err, "[pod-priority] spec.template.spec.priority",
		"sets priority 10, and its pods get 0 from the API server's defaults, where no PriorityClass is the global default")
	absent(t, "team-pod-prio", "deployment", "copied")
	preempting := deployment("preempting", "      priorityClassName: e2e-never\n      preemptionPolicy: PreemptLowerPriority\n"+containers)
	eventually(t, 30*time.Second, func() error { // the admission server's cache learns of the class
		if _, err = asDev(preempting, "create", "-n", "team-pod-prio", "-f", "-"); err == nil {
			_, _ = s.kubectl("delete", "-n", "team-pod-prio", "deployment", "preempting", "--wait=false")
			return errors.New("a Deployment of another preemption policy than its class's was admitted")
		}
		return nil
	})
	denied(t, "a Deployment of another preemption policy", err, "[pod-priority] spec.template.spec.preemptionPolicy", `PriorityClass "e2e-never"`)
	own := deployment("own", "      priorityClassName: e2e-never\n      priority: 700\n      preemptionPolicy: Never\n"+containers)
	if _, err := asDev(own, "create", "-n", "team-pod-prio", "-f", "-"); err != nil {
		t.Fatalf("a Deployment of its class's own values was refused: %v", err)
	}
	eventually(t, 60*time.Second, func() error {
		out, err := s.kubectl("get", "-n", "team-pod-prio", "pods", "-l", "app=own", "-o", "jsonpath={.items[*].spec.priority}")
		if err != nil || out != "700" {
			return fmt.Errorf("the Deployment's pod: priority %q (%v)", out, err)
		}
		return nil
	})
}

// A configuration snippet is raw nginx configuration of the ingress
// controller every namespace shares: refused from a team member by the API
// server itself; the controller's own annotations pass; the platform team
// may set one.
func TestTeamMemberCannotConfigureTheIngressController(t *testing.T) {
	teamNamespace(t, "team-edge")
	ing := func(name, annotation string) string {
		return fmt.Sprintf(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: %s
  annotations: {nginx.ingress.kubernetes.io/rewrite-target: /, %s}
spec:
  rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`, name, annotation)
	}
	const snippet = `nginx.ingress.kubernetes.io/server-snippet: "location /steal { return 200; }"`
	eventually(t, 30*time.Second, func() error { // pave writes the guard; the API server then loads it
		_, err := asDev(ing("steal", snippet), "create", "-n", "team-edge", "-f", "-")
		if err == nil {
			_, _ = s.kubectl("delete", "-n", "team-edge", "ingress", "steal")
			return errors.New("a team member's Ingress with a server snippet was admitted")
		}
		if !strings.Contains(err.Error(), "Ingress steal sets annotation nginx.ingress.kubernetes.io/server-snippet: a snippet is raw configuration of the ingress controller") {
			return err
		}
		return nil
	})
	absent(t, "team-edge", "ingress", "steal")
	// A value the controller would read as configuration of its own
	// (IngressNightmare's auth-url).
	_, err := asDev(ing("inject", `nginx.ingress.kubernetes.io/auth-url: "http://auth/; alias /var/run/secrets/"`), "create", "-n", "team-edge", "-f", "-")
	if err == nil || !strings.Contains(err.Error(), "Ingress inject sets annotation nginx.ingress.kubernetes.io/auth-url to a value with a line break, semicolon, quote or brace") {
		t.Errorf("an injected auth-url: %v", err)
	}
	absent(t, "team-edge", "ingress", "inject")
	// A path that ends the location it is written into.
	injectedPath := strings.Replace(ing("path", "team: shop"), "{path: /, pathType: Prefix,", `{path: '/x"; alias /var/run/secrets/; #', pathType: ImplementationSpecific,`, 1)
	_, err = asDev(injectedPath, "create", "-n", "team-edge", "-f", "-")
	if err == nil || !strings.Contains(err.Error(), `Ingress path routes path /x"; alias /var/run/secrets/; #, with a line break, semicolon or quote`) {
		t.Errorf("an injected path: %v", err)
	}
	absent(t, "team-edge", "ingress", "path")
	// Another namespace's client certificate, for the controller to present.
	_, err = asDev(ing("borrow", "nginx.ingress.kubernetes.io/proxy-ssl-secret: pave-system/pave-webhook-tls"), "create", "-n", "team-edge", "-f", "-")
	if err == nil || !strings.Contains(err.Error(), "Ingress borrow sets annotation nginx.ingress.kubernetes.io/proxy-ssl-secret to pave-system/pave-webhook-tls, of another namespace") {
		t.Errorf("another namespace's client certificate: %v", err)
	}
	absent(t, "team-edge", "ingress", "borrow")
	if _, err := asDev(ing("web", `team: shop, nginx.ingress.kubernetes.io/global-rate-limit-key: "${remote_addr}", nginx.ingress.kubernetes.io/proxy-ssl-secret: team-edge/client`), "create", "-n", "team-edge", "-f", "-"); err != nil {
		t.Fatalf("an Ingress with the controller's own annotations: %v", err)
	}
	if _, err := s.kubectlIn(ing("platform", snippet), "create", "-n", "team-edge", "-f", "-"); err != nil {
		t.Fatalf("the platform team's snippet: %v", err)
	}
}

// The control-plane nodes are not the teams': a Pod that names its node,
// or a Deployment whose template does, skips the scheduler and every taint,
// and a toleration of the control plane's taint (or of every taint) lets
// the scheduler put pods there.
func TestTeamMemberCannotPickTheNode(t *testing.T) {
	teamNamespace(t, "team-nodes")
	pinned := strings.Replace(compliantPod, "spec:\n", "spec:\n  nodeName: e2e-control-plane\n", 1)
	eventually(t, 30*time.Second, func() error { // pave writes the guard; the API server then loads it
		_, err := asDev(pinned, "create", "-n", "team-nodes", "-f", "-")
		if err == nil {
			_, _ = s.kubectl("delete", "-n", "team-nodes", "pod", "web", "--wait=false")
			return errors.New("a team member's Pod naming its node was admitted")
		}
		if !strings.Contains(err.Error(), "Pod web names node e2e-control-plane (spec.nodeName): a Pod that names its node skips the scheduler and every taint") {
			return err
		}
		return nil
	})
	absent(t, "team-nodes", "pod", "web")

	deploy := func(field string) string {
		return `apiVersion: apps/v1
kind: Deployment
metadata: {name: anywhere}
spec:
  selector: {matchLabels: {app: anywhere}}
  template:
    metadata: {labels: {app: anywhere}}
    spec:
      ` + field + `
      containers: [{name: app, image: nginx:1.27.3, readinessProbe: {httpGet: {path: /, port: 80}}}]
`
	}
	_, err := asDev(deploy("tolerations: [{operator: Exists}]"), "apply", "-n", "team-nodes", "-f", "-")
	denied(t, "a Deployment tolerating every taint", err, "[control-plane-nodes] spec.template.spec.tolerations[0]", "tolerates every taint")
	_, err = asDev(deploy("tolerations: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]"), "apply", "-n", "team-nodes", "-f", "-")
	denied(t, "a Deployment tolerating the control plane's taint", err, "[control-plane-nodes]", "node-role.kubernetes.io/control-plane")
	// The controller-manager copies a template's node name into the Pods it
	// makes, as itself, which the guard trusts.
	_, err = asDev(deploy("nodeName: e2e-control-plane"), "apply", "-n", "team-nodes", "-f", "-")
	denied(t, "a Deployment whose template names its node", err, "[node-name] spec.template.spec.nodeName", `names node "e2e-control-plane"`)
	absent(t, "team-nodes", "deployment", "anywhere")
	if _, err := asDev(deploy("tolerations: [{key: dedicated, value: team-nodes, effect: NoSchedule}]"), "apply", "-n", "team-nodes", "-f", "-"); err != nil {
		t.Fatalf("a Deployment tolerating its team's own taint: %v", err)
	}
}

// Every team's Ingresses configure the one ingress controller, which merges
// a host's rules from every namespace: a team member's Ingress for another
// team's host (a path under it, a wildcard over it) would take that team's
// traffic. Denied while the other team routes it; the team's own second
// namespace may share it; the owner's Ingress stays editable; the host is
// free again once the owner lets it go.
func TestTeamMemberCannotTakeAnotherTeamsHost(t *testing.T) {
	teamNamespace(t, "team-host-a")
	teamNamespace(t, "team-host-b")
	namespace(t, "team-host-a2", map[string]string{"pave.dev/team": "team-host-a", "pave.dev/zone": "internal"})
	ing := func(name, host, path string) string {
		return fmt.Sprintf(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: %s}
spec:
  rules: [{host: %q, http: {paths: [{path: %s, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`, name, host, path)
	}
	// The owner also publishes a name by external-dns's annotation alone,
	// after a hundred blank ones: the admission server's cache must keep
	// it to find the owner.
	published := strings.Replace(ing("storefront", "a.e2e.example.com", "/"), "metadata: {name: storefront}",
		`metadata: {name: storefront, annotations: {external-dns.alpha.kubernetes.io/hostname: "`+strings.Repeat(",", 100)+`dns.e2e.example.com"}}`, 1)
	if _, err := asDev(published, "create", "-n", "team-host-a", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	var err error
	eventually(t, 30*time.Second, func() error { // the admission server's cache learns of the Ingress
		if _, err = asDev(ing("steal", "a.e2e.example.com", "/admin"), "create", "-n", "team-host-b", "-f", "-"); err == nil {
			_, _ = s.kubectl("delete", "-n", "team-host-b", "ingress", "steal")
			return errors.New("another team's host was taken")
		}
		return nil
	})
	denied(t, "another team's host", err, "[ingress-host] spec.rules[0].host", `Ingress team-host-a/storefront of team "team-host-a" routes it`)
	_, err = asDev(ing("steal-dns", "dns.e2e.example.com", "/"), "create", "-n", "team-host-b", "-f", "-")
	denied(t, "a host another team's Ingress publishes by annotation", err, "[ingress-host] spec.rules[0].host", `Ingress team-host-a/storefront of team "team-host-a" routes it`)
	absent(t, "team-host-b", "ingress", "steal-dns")
	_, err = asDev(ing("wild", "*.e2e.example.com", "/"), "create", "-n", "team-host-b", "-f", "-")
	denied(t, "a wildcard over another team's host", err, "[ingress-host]", `routes host "a.e2e.example.com", which overlaps it`)
	alias := strings.Replace(ing("alias", "c.e2e.example.com", "/"), "metadata: {name: alias}", "metadata: {name: alias, annotations: {nginx.ingress.kubernetes.io/server-alias: a.e2e.example.com}}", 1)
	_, err = asDev(alias, "create", "-n", "team-host-b", "-f", "-")
	denied(t, "another team's host as a server alias", err, "[ingress-host] metadata.annotations[nginx.ingress.kubernetes.io/server-alias]")
	absent(t, "team-host-b", "ingress", "steal")
	absent(t, "team-host-b", "ingress", "wild")
	absent(t, "team-host-b", "ingress", "alias")

	if _, err := s.kubectlIn(ing("api", "a.e2e.example.com", "/api"), "create", "-n", "team-host-a2", "-f", "-"); err != nil {
		t.Fatalf("the owning team's other namespace: %v", err)
	}
	if _, err := asDev(ing("own", "b.e2e.example.com", "/"), "create", "-n", "team-host-b", "-f", "-"); err != nil {
		t.Fatalf("a host of its own: %v", err)
	}
	if _, err := asDev("", "label", "-n", "team-host-a", "ingress", "storefront", "tier=web"); err != nil {
		t.Fatalf("the owner's Ingress is no longer editable: %v", err)
	}

	for _, ns := range []string{"team-host-a", "team-host-a2"} {
		if _, err := s.kubectl("delete", "-n", ns, "ingress", "--all"); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 30*time.Second, func() error { // the cache learns of the deletions
		_, err := asDev(ing("steal", "a.e2e.example.com", "/"), "create", "-n", "team-host-b", "-f", "-")
		return err
	})
}

// Routes attached to a shared Gateway merge a hostname's rules from every
// namespace as the ingress controller does: a team member's HTTPRoute for
// another team's hostname is denied, and so is one that names no hostname
// beside another team's that names none (each takes every host of its
// listeners). The built-in edit role has no Gateway API rights; the
// platform grants them, as here.
func TestTeamMemberCannotTakeAnotherTeamsRouteHost(t *testing.T) {
	routeTeams(t, "team-route-a", "team-route-b")
	route := func(name, hostnames string) string {
		return fmt.Sprintf(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: %s}
spec:
  parentRefs: [{name: shared, namespace: gateways}]
  hostnames: %s
  rules: [{matches: [{path: {type: PathPrefix, value: /admin}}], backendRefs: [{name: web, port: 80}]}]
`, name, hostnames)
	}
	if _, err := asDev(route("storefront", "[a.routes.example.com]"), "create", "-n", "team-route-a", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	if _, err := asDev(route("all", "[]"), "create", "-n", "team-route-a", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	var err error
	eventually(t, 30*time.Second, func() error { // the admission server's cache learns of the routes
		if _, err = asDev(route("steal", "[a.routes.example.com]"), "create", "-n", "team-route-b", "-f", "-"); err == nil {
			_, _ = s.kubectl("delete", "-n", "team-route-b", "httproute", "steal")
			return errors.New("another team's hostname was taken")
		}
		return nil
	})
	denied(t, "another team's hostname", err, "[ingress-host] spec.hostnames[0]", `HTTPRoute team-route-a/storefront of team "team-route-a" routes it`)
	_, err = asDev(route("everything", "[]"), "create", "-n", "team-route-b", "-f", "-")
	denied(t, "a route of no hostname beside another team's", err, "[ingress-host] spec.hostnames", "every host of the listeners it attaches to")
	absent(t, "team-route-b", "httproute", "steal")
	absent(t, "team-route-b", "httproute", "everything")
	if _, err := asDev(route("own", "[b.routes.example.com]"), "create", "-n", "team-route-b", "-f", "-"); err != nil {
		t.Fatalf("a hostname of its own: %v", err)
	}
	// A TLSRoute takes the same host by its server name, on a passthrough
	// listener of the same Gateway.
	tls := `apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: sni}
spec:
  parentRefs: [{name: shared, namespace: gateways, sectionName: passthrough}]
  hostnames: [a.routes.example.com]
  rules: [{backendRefs: [{name: web, port: 443}]}]
`
	_, err = asDev(tls, "create", "-n", "team-route-b", "-f", "-")
	denied(t, "another team's hostname by a TLSRoute", err, "[ingress-host] spec.hostnames[0]", `TLSRoute "sni" takes host "a.routes.example.com"`, `HTTPRoute team-route-a/storefront of team "team-route-a" routes it`)
	absent(t, "team-route-b", "tlsroute", "sni")
	if _, err := asDev(strings.Replace(tls, "a.routes", "b.routes", 1), "create", "-n", "team-route-b", "-f", "-"); err != nil {
		t.Fatalf("a TLSRoute of its own hostname: %v", err)
	}
	// A ListenerSet takes it on a shared Gateway that admits other
	// namespaces' listeners, ahead of the Gateway's own wildcard listener.
	listeners := `apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: extra}
spec:
  parentRef: {name: shared, namespace: gateways}
  listeners:
  - {name: db, port: 5432, protocol: TCP}
  - {name: https, port: 443, protocol: HTTPS, hostname: a.routes.example.com, tls: {certificateRefs: [{name: a-cert}]}}
`
	_, err = asDev(listeners, "create", "-n", "team-route-b", "-f", "-")
	denied(t, "another team's hostname by a ListenerSet", err, "[ingress-host] spec.listeners[1].hostname", `ListenerSet "extra" takes host "a.routes.example.com"`)
	absent(t, "team-route-b", "listenerset", "extra")
	if _, err := asDev(strings.Replace(listeners, "a.routes", "b.routes", 1), "create", "-n", "team-route-b", "-f", "-"); err != nil {
		t.Fatalf("a ListenerSet of its own hostname: %v", err)
	}
}

// routeTeams makes team namespaces whose member may write Gateway API
// routes, as a platform grants (the built-in edit role has no such rights).
func routeTeams(t *testing.T, names ...string) {
	t.Helper()
	for _, ns := range names {
		teamNamespace(t, ns)
		grant := fmt.Sprintf("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: routes, namespace: %[1]s}\n"+
			"rules: [{apiGroups: [gateway.networking.k8s.io], resources: [httproutes, grpcroutes, tlsroutes, listenersets], verbs: [get, list, create, update, patch, delete]}]\n---\n"+
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: dev-routes, namespace: %[1]s}\n"+
			"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: routes}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: %[2]q}]\n", ns, dev)
		if _, err := s.kubectlIn(grant, "apply", "-f", "-"); err != nil {
			t.Fatal(err)
		}
	}
}

// A route kind the cluster starts to serve after pave started (Gateway
// API's GRPCRoute, installed here) is judged without a restart: the
// admission server indexes it once a route of the kind arrives, and from
// then on another team's hostname is denied. Until this test, the suite's
// cluster served no GRPCRoute.
func TestRouteKindServedLaterIsJudged(t *testing.T) {
	if _, err := s.kubectl("apply", "--server-side", "-f", s.grpcRouteCRD); err != nil {
		t.Fatal(err)
	}
	if _, err := s.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/grpcroutes.gateway.networking.k8s.io"); err != nil {
		t.Fatal(err)
	}
	routeTeams(t, "team-grpc-a", "team-grpc-b")
	route := func(name, host string) string {
		return fmt.Sprintf(`apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: %s}
spec:
  parentRefs: [{name: shared, namespace: gateways}]
  hostnames: [%s]
  rules: [{backendRefs: [{name: api, port: 9000}]}]
`, name, host)
	}
	if _, err := asDev(route("api", "g.routes.example.com"), "create", "-n", "team-grpc-a", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	var err error
	eventually(t, 60*time.Second, func() error { // the admission server starts to watch GRPCRoutes
		if _, err = asDev(route("steal", "g.routes.example.com"), "create", "-n", "team-grpc-b", "-f", "-"); err == nil {
			_, _ = s.kubectl("delete", "-n", "team-grpc-b", "grpcroute", "steal")
			return errors.New("another team's hostname was taken")
		}
		return nil
	})
	denied(t, "another team's hostname", err, "[ingress-host] spec.hostnames[0]", `GRPCRoute team-grpc-a/api of team "team-grpc-a" routes it`)
	absent(t, "team-grpc-b", "grpcroute", "steal")
	if _, err := asDev(route("own", "h.routes.example.com"), "create", "-n", "team-grpc-b", "-f", "-"); err != nil {
		t.Fatalf("a hostname of its own: %v", err)
	}
}

// A team member cannot write an Ingress of thousands of hosts, whose hosts
// the admission server would hold in memory (finding 69): one of more than
// 64 is denied, one of 64 admitted, and the namespace's quota, as the API
// server has taken it up, counts Ingresses.
func TestTeamMemberCannotWriteAnIngressOfThousandsOfHosts(t *testing.T) {
	teamNamespace(t, "team-hosts")
	ing := func(name string, n int) string {
		var rules []string
		for i := range n {
			rules = append(rules, fmt.Sprintf(`{"host": "h%d.hosts.e2e.example.com"}`, i))
		}
		return fmt.Sprintf(`{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": %q}, "spec": {"rules": [%s]}}`, name, strings.Join(rules, ","))
	}
	_, err := asDev(ing("many", 5000), "create", "-n", "team-hosts", "-f", "-")
	denied(t, "an Ingress of 5,000 hosts", err, "[ingress-host] spec.rules", "writes more than 64 hosts", "split the hosts over several Ingresses")
	absent(t, "team-hosts", "ingress", "many")
	if _, err := asDev(ing("bounded", 64), "create", "-n", "team-hosts", "-f", "-"); err != nil {
		t.Fatalf("an Ingress of 64 hosts: %v", err)
	}
	eventually(t, 30*time.Second, func() error {
		q := getJSON(t, "-n", "team-hosts", "resourcequota", "pave-tier")
		const name = "count/ingresses.networking.k8s.io"
		if at(q, "spec", "hard", name) != "50" || at(q, "status", "hard", name) != "50" || at(q, "status", "used", name) != "1" {
			return fmt.Errorf("quota %s (spec, status, used): %v, %v, %v", name, at(q, "spec", "hard", name), at(q, "status", "hard", name), at(q, "status", "used", name))
		}
		return nil
	})
}

// A team member cannot write a Deployment of thousands of labels, which
// pave's controller would keep in memory with every team's (security.md
// finding 71), and one of 51 is admitted with the few pave writes.
func TestTeamMemberCannotWriteAWorkloadOfThousandsOfLabels(t *testing.T) {
	teamNamespace(t, "team-labels")
	app := "      containers: [{name: app, image: 'nginx:1.27.3'}]\n"
	withLabels := func(name string, n int) string {
		var extra strings.Builder
		for i := range n {
			fmt.Fprintf(&extra, ", l%d: v", i)
		}
		return strings.Replace(deployment(name, app), "metadata: {name: "+name+"}", "metadata: {name: "+name+", labels: {app: "+name+extra.String()+"}}", 1)
	}
	_, err := asDev(withLabels("many", 5000), "apply", "-n", "team-labels", "-f", "-")
	denied(t, "a Deployment of 5,000 labels", err, "[label-bound] metadata.labels", "writes more than 64 labels", "move the rest to annotations")
	absent(t, "team-labels", "deployment", "many")
	if _, err := asDev(withLabels("bounded", 50), "apply", "-n", "team-labels", "-f", "-"); err != nil {
		t.Fatalf("a Deployment of 51 labels, and the few pave writes: %v", err)
	}
}
