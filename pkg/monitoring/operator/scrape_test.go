package operator_test

import (
	"context"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"

	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/monitoring/operator"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestScrape(t *testing.T) {
	for _, c := range []struct {
		name, ports, annotations string
		port, path               string // "" for no PodMonitor
	}{
		{"a port named metrics", `[{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]`, `{}`, "metrics", "/metrics"},
		{"http-metrics, with another path", `[{name: http-metrics, containerPort: 9100}]`, `{prometheus.io/path: /stats}`, "http-metrics", "/stats"},
		{"no metrics port", `[{name: http, containerPort: 8080}]`, `{}`, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := api(t, c.annotations, c.ports)
			objs, err := operator.Scrape{}.Generate(context.Background(), w, workloadtest.Env())
			if err != nil {
				t.Fatal(err)
			}
			if c.port == "" {
				if len(objs) != 0 {
					t.Fatalf("%d objects for a workload without a metrics port", len(objs))
				}
				return
			}
			pm := objs[0].(*monitoringv1.PodMonitor)
			ep := pm.Spec.PodMetricsEndpoints[0]
			if pm.Name != "pave-api" || *ep.Port != c.port || ep.Path != c.path || pm.Spec.Selector.MatchLabels["app"] != "api" {
				t.Errorf("PodMonitor %s: port %s path %s selector %v", pm.Name, *ep.Port, ep.Path, pm.Spec.Selector)
			}
		})
	}
}

// The policy's target decides the kind; where the cluster serves no
// prometheus-operator the pod template carries scrape annotations instead,
// and no object is generated that nobody would read.
func TestScrapeTargets(t *testing.T) {
	doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, labels: {app.kubernetes.io/name: api}}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {annotations: {prometheus.io/path: /stats}}
    spec: {containers: [{name: api, image: x:1, ports: [{name: metrics, containerPort: 9090}]}]}`
	unserved := []schema.GroupVersionKind{monitoringv1.SchemeGroupVersion.WithKind("PodMonitor"), monitoringv1.SchemeGroupVersion.WithKind("ServiceMonitor")}
	for _, c := range []struct {
		name, target string
		unserved     bool
		kind         string            // generated; "" none
		annotations  map[string]string // added to the template
	}{
		{name: "PodMonitor", target: "PodMonitor", kind: "PodMonitor"},
		{name: "ServiceMonitor", target: "ServiceMonitor", kind: "ServiceMonitor"},
		{name: "PodMonitor not served", target: "PodMonitor", unserved: true,
			annotations: map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9090"}},
		{name: "ServiceMonitor not served", target: "ServiceMonitor", unserved: true,
			annotations: map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9090"}},
		{name: "annotations by policy", target: "annotations",
			annotations: map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9090"}},
		{name: "off", target: "off"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := policy.FromSpec(v1alpha1.PlatformPolicySpec{Monitoring: v1alpha1.MonitoringPolicy{Scrape: c.target}})
			if err != nil {
				t.Fatal(err)
			}
			env := workloadtest.Env()
			env.Policy = p
			if c.unserved {
				env.Unserved = unserved
			}
			w := workloadtest.FromYAML(t, doc)
			changed, err := monitoring.Annotations{}.Mutate(context.Background(), w, env)
			if err != nil {
				t.Fatal(err)
			}
			if changed != (c.annotations != nil) {
				t.Errorf("annotations mutator changed=%v", changed)
			}
			for k, v := range c.annotations {
				if w.PodMeta.Annotations[k] != v {
					t.Errorf("annotation %s=%q, want %q", k, w.PodMeta.Annotations[k], v)
				}
			}
			if got := w.PodMeta.Annotations["prometheus.io/path"]; got != "/stats" {
				t.Errorf("the team's path became %q", got)
			}
			objs, err := operator.Scrape{}.Generate(context.Background(), w, env)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case c.kind == "" && len(objs) > 0:
				t.Fatalf("generated %T", objs[0])
			case c.kind == "":
			case len(objs) != 1 || objs[0].GetObjectKind().GroupVersionKind().Kind != c.kind:
				t.Fatalf("generated %v, want a %s", objs, c.kind)
			}
			if len(objs) == 0 {
				return
			}
			if sm, ok := objs[0].(*monitoringv1.ServiceMonitor); ok {
				if sm.Spec.Selector.MatchLabels["app.kubernetes.io/name"] != "api" || sm.Spec.Endpoints[0].TargetPort.String() != "metrics" || sm.Spec.Endpoints[0].Path != "/stats" {
					t.Errorf("ServiceMonitor %+v", sm.Spec)
				}
			}
		})
	}
}

// The policy names which ports are metrics ports, in its order.
func TestScrapePortNamesFromPolicy(t *testing.T) {
	p, err := policy.FromSpec(v1alpha1.PlatformPolicySpec{Monitoring: v1alpha1.MonitoringPolicy{PortNames: []string{"prom", "metrics"}}})
	if err != nil {
		t.Fatal(err)
	}
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template: {spec: {containers: [{name: api, image: x:1, ports: [{name: metrics, containerPort: 9090}, {name: prom, containerPort: 9100}]}]}}`)
	port, ok := monitoring.MetricsPort(w, p)
	if !ok || port.Name != "prom" {
		t.Fatalf("port %+v, want prom: the policy's first name wins", port)
	}
}

// package monitoring writes the operator's kinds out (the admission server
// does not link the operator's API): they must be the operator's own.
func TestScrapeKindsAreTheOperators(t *testing.T) {
	if want := monitoringv1.SchemeGroupVersion.WithKind(monitoringv1.PodMonitorsKind); monitoring.PodMonitor != want {
		t.Errorf("monitoring.PodMonitor = %v, the operator's is %v", monitoring.PodMonitor, want)
	}
	if want := monitoringv1.SchemeGroupVersion.WithKind(monitoringv1.ServiceMonitorsKind); monitoring.ServiceMonitor != want {
		t.Errorf("monitoring.ServiceMonitor = %v, the operator's is %v", monitoring.ServiceMonitor, want)
	}
}

// With the mesh in istio mode a meshed workload's PodMonitor scrapes Istio's
// agent, which merges the application's metrics with the proxy's; a pod
// that keeps its metrics unmerged (prometheus.istio.io/merge-metrics
// "false", as Istio reads it) or stays out of the mesh is scraped on its own
// port.
func TestScrapeMeshedThroughIstiosAgent(t *testing.T) {
	for _, c := range []struct {
		name, annotations, mode string
		agent                   bool
	}{
		{"meshed", `{}`, "istio", true},
		{"metrics kept unmerged", `{prometheus.istio.io/merge-metrics: "False"}`, "istio", false},
		{"opted out of the mesh", `{pave.dev/inject: "false"}`, "istio", false},
		{"delegate mode", `{}`, "delegate", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := api(t, c.annotations, `[{name: metrics, containerPort: 9090}]`)
			objs, err := operator.Scrape{}.Generate(context.Background(), w, workloadtest.MeshEnv(t, v1alpha1.MeshMode(c.mode)))
			if err != nil || len(objs) != 1 {
				t.Fatalf("%d objects, %v", len(objs), err)
			}
			ep := objs[0].(*monitoringv1.PodMonitor).Spec.PodMetricsEndpoints[0]
			agent := ep.PortNumber != nil && *ep.PortNumber == 15020 && ep.Path == "/stats/prometheus" && ep.Port == nil
			own := ep.Port != nil && *ep.Port == "metrics" && ep.Path == "/metrics" && ep.PortNumber == nil
			if c.agent && !agent || !c.agent && !own {
				t.Errorf("scrapes %+v; want Istio's agent: %v", ep, c.agent)
			}
		})
	}
}

// api is a Deployment whose pod template has the annotations and the
// container ports given (YAML flow).
func api(t *testing.T, annotations, ports string) *workload.Workload {
	t.Helper()
	return workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {annotations: `+annotations+`}
    spec: {containers: [{name: api, image: x:1, ports: `+ports+`}]}`)
}
