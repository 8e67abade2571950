package e2e

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// istio-cni redirects a Pod's traffic through its proxy only when the Pod
// carries Istio's status; with it, the kubelet's probes and a Prometheus
// outside the mesh must go through Istio's agent. A team member's
// Deployment keeps its own probes in its template, and each Pod the
// ReplicaSet controller makes of it is wired as Istio's injector wires a Pod.
func TestMeshedPodsAreWiredIntoIstio(t *testing.T) {
	teamNamespace(t, "team-wired")
	meshOn(t, "team-wired")
	doc := deployment("probed", `      containers:
      - name: app
        image: nginx:1.27.3
        ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]
        readinessProbe: {httpGet: {path: /ready, port: http}}
        livenessProbe: {tcpSocket: {port: 8080}}
`)
	if _, err := asDev(doc, "apply", "-n", "team-wired", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	d := getJSON(t, "-n", "team-wired", "deployment", "probed")
	if p := at(d, "spec", "template", "spec", "containers", 0, "readinessProbe", "httpGet", "path"); p != "/ready" {
		t.Errorf("the template's probe is %v, not the team's /ready: a rewritten probe would meet the next kubectl apply", p)
	}
	if s := at(d, "spec", "template", "metadata", "annotations", "sidecar.istio.io/status"); s != nil {
		t.Errorf("the template carries Istio's status %v; only Pods should", s)
	}

	pod := firstPod(t, "team-wired", "app=probed")
	if at(pod, "metadata", "annotations", "sidecar.istio.io/status") == nil || at(pod, "metadata", "labels", "security.istio.io/tlsMode") != "istio" {
		t.Fatalf("the Pod is not marked for istio-cni: %v %v", at(pod, "metadata", "annotations"), at(pod, "metadata", "labels"))
	}
	for probe, path := range map[string]string{"readinessProbe": "/app-health/app/readyz", "livenessProbe": "/app-health/app/livez"} {
		got := at(pod, "spec", "containers", 0, probe, "httpGet")
		if at(got, "path") != path || at(got, "port") != float64(15020) {
			t.Errorf("the Pod's %s goes to %v, not to Istio's agent at %s", probe, got, path)
		}
	}
	env := map[string]string{}
	items, _ := at(pod, "spec", "initContainers", 0, "env").([]any)
	for _, e := range items {
		name, _ := at(e, "name").(string)
		value, _ := at(e, "value").(string)
		env[name] = value
	}
	mustContain(t, env["ISTIO_KUBE_APP_PROBERS"], `"/app-health/app/readyz":{"httpGet":{"path":"/ready","port":8080`, `"/app-health/app/livez":{"tcpSocket":{"port":8080}`)
	if m := env["ISTIO_PROMETHEUS_ANNOTATIONS"]; m != `{"scrape":"true","path":"/metrics","port":"9090"}` {
		t.Errorf("the agent merges %q, not the application's metrics port", m)
	}

	// Prometheus scrapes the agent, which merges the application's metrics.
	eventually(t, 60*time.Second, jsonpathIs([]string{"-n", "team-wired", "podmonitor", "pave-probed"},
		"{.spec.podMetricsEndpoints[0].portNumber} {.spec.podMetricsEndpoints[0].path}", "15020 /stats/prometheus"))

	out, err := asDev(doc, "apply", "-n", "team-wired", "-f", "-")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, "deployment.apps/probed unchanged")
	if strings.Contains(fmt.Sprint(at(getJSON(t, "-n", "team-wired", "deployment", "probed"), "spec", "template", "spec", "containers", 0, "readinessProbe")), "app-health") {
		t.Error("a re-apply rewrote the template's probe")
	}
}

// A workload that calls the Kubernetes API keeps its service account's
// token (automountServiceAccountToken: true: a warning, not a denial). The
// API server's ServiceAccount admission plugin then mounts the token into
// every container of each Pod, the proxy of the meshed template included;
// the Pod must still be created, its proxy taken for pave's. A bare Pod of
// a team member gets the same.
func TestAMeshedPodKeepsItsServiceAccountToken(t *testing.T) {
	teamNamespace(t, "team-token-mesh")
	meshOn(t, "team-token-mesh")
	podSpec := `      automountServiceAccountToken: true
      containers:
      - name: app
        image: nginx:1.27.3
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
`
	if out, err := asDev(deployment("operator", podSpec), "apply", "-n", "team-token-mesh", "-f", "-"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	pod := firstPod(t, "team-token-mesh", "app=operator")
	if name := at(pod, "spec", "initContainers", 0, "name"); name != "istio-proxy" {
		t.Fatalf("the Pod's first init container is %v, not the proxy", name)
	}
	mounts := fmt.Sprint(at(pod, "spec", "initContainers", 0, "volumeMounts"))
	mustContain(t, mounts, "/var/run/secrets/kubernetes.io/serviceaccount") // the plugin's, so the case is the one meant

	bare := strings.Replace(podSpec, "      ", "  ", -1)
	bare = "apiVersion: v1\nkind: Pod\nmetadata: {name: operator-once, labels: {app: operator-once}}\nspec:\n" + bare
	if out, err := combinedKubectl("--as", dev, "create", "--dry-run=server", "-n", "team-token-mesh", "-f", writeTemp(t, bare)); err != nil {
		t.Errorf("a bare Pod that keeps its token: %v: %s", err, out)
	}
}

// firstPod waits for the first Pod the selector finds in namespace ns (a
// ReplicaSet controller's), with the namespace's events in the error.
func firstPod(t *testing.T, ns, selector string) any {
	t.Helper()
	var pod any
	eventually(t, 60*time.Second, func() error {
		items, _ := getJSON(t, "-n", ns, "pods", "-l", selector)["items"].([]any)
		if len(items) == 0 {
			return errors.New("no pods yet: " + events(ns))
		}
		pod = items[0]
		return nil
	})
	return pod
}

// kubectl set env (and set resources) write every container of a pod
// template, the proxy pave injected among them. A team member who runs it
// means the application: the change is kept there, and pave puts its proxy
// back as the template has it instead of denying the update.
func TestTeamMemberSetsEnvOnAMeshedDeployment(t *testing.T) {
	teamNamespace(t, "team-set-env")
	meshOn(t, "team-set-env")
	doc := deployment("api", `      containers:
      - name: app
        image: nginx:1.27.3
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
`)
	if out, err := asDev(doc, "apply", "-n", "team-set-env", "-f", "-"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if out, err := combinedKubectl("--as", dev, "set", "env", "-n", "team-set-env", "deployment/api", "LOG_LEVEL=debug"); err != nil {
		t.Fatalf("kubectl set env: %v: %s", err, out)
	}
	d := getJSON(t, "-n", "team-set-env", "deployment", "api")
	if env := fmt.Sprint(at(d, "spec", "template", "spec", "containers", 0, "env")); !strings.Contains(env, "LOG_LEVEL") {
		t.Errorf("the application lost the team's variable: %s", env)
	}
	if at(d, "spec", "template", "spec", "initContainers", 0, "name") != "istio-proxy" {
		t.Fatalf("no proxy first among the init containers: %v", at(d, "spec", "template", "spec", "initContainers"))
	}
	if env := fmt.Sprint(at(d, "spec", "template", "spec", "initContainers", 0, "env")); strings.Contains(env, "LOG_LEVEL") {
		t.Errorf("the proxy kept the team's variable: %s", env)
	}
	// The secret rule still judges the application's environment.
	out, err := combinedKubectl("--as", dev, "set", "env", "-n", "team-set-env", "deployment/api", "DB_PASSWORD=hunter2")
	if err == nil {
		t.Fatal("a literal password set with kubectl set env was admitted")
	}
	mustContain(t, out, "pave denied", "[no-literal-secrets] spec.template.spec.containers[0].env")
	if strings.Contains(out, "mesh-sidecar") || strings.Contains(out, `container "istio-proxy"`) {
		t.Errorf("the denial blames the proxy: %s", out)
	}
}
