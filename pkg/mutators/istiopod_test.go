package mutators_test

import (
	"context"
	"encoding/json"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

const probedDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: "x:1"
        ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]
        readinessProbe: {httpGet: {path: /ready, port: http}}
        livenessProbe: {tcpSocket: {port: 8080}}`

// podOf is the Pod the ReplicaSet controller makes of a Deployment's
// template.
func podOf(t *testing.T, d *workload.Workload) *workload.Workload {
	t.Helper()
	tmpl := d.Object.(*appsv1.Deployment).Spec.Template.DeepCopy()
	pod := &corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}, ObjectMeta: tmpl.ObjectMeta, Spec: tmpl.Spec}
	pod.Name = "web-1"
	w, err := workload.New(pod)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func env(c *corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

// The template keeps the team's probes (a rewritten probe stored in a
// Deployment would meet the team's next kubectl apply); each Pod made of it
// is wired into Istio as Istio's injector wires the Pods it injects.
func TestPodsOfAMeshedTemplateAreWiredIntoIstio(t *testing.T) {
	env0 := meshEnv(t, v1alpha1.MeshIstio)
	prepared := len(env0.Policy.Spec.Mesh.Sidecar.Container.Env)
	d := workloadtest.FromYAML(t, probedDeployment)
	if _, err := (mutators.Sidecar{}).Mutate(context.Background(), d, env0); err != nil {
		t.Fatal(err)
	}
	if _, ok := d.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus]; ok {
		t.Error("the pod template got Istio's status; only Pods should")
	}
	if p := d.PodSpec.Containers[0].ReadinessProbe; p.HTTPGet.Path != "/ready" {
		t.Errorf("the pod template's probe was rewritten: %+v", p.HTTPGet)
	}

	pod := podOf(t, d)
	changed, err := (mutators.Sidecar{}).Mutate(context.Background(), pod, env0)
	if err != nil || !changed {
		t.Fatalf("a Pod of the meshed template: changed=%v err=%v", changed, err)
	}
	if pod.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus] == "" || pod.PodMeta.Labels[v1alpha1.LabelIstioTLSMode] != "istio" {
		t.Fatalf("no Istio status or TLS mode: %v %v", pod.PodMeta.Annotations, pod.PodMeta.Labels)
	}
	web := pod.PodSpec.Containers[0]
	for name, p := range map[string]*corev1.Probe{"readyz": web.ReadinessProbe, "livez": web.LivenessProbe} {
		if p.HTTPGet == nil || p.HTTPGet.Path != "/app-health/web/"+name || p.HTTPGet.Port.IntVal != 15020 || p.TCPSocket != nil {
			t.Errorf("%s not sent to Istio's agent: %+v", name, p.ProbeHandler)
		}
	}
	proxy := &pod.PodSpec.InitContainers[0]
	probers, ok := env(proxy, "ISTIO_KUBE_APP_PROBERS")
	var got map[string]struct {
		HTTPGet   *corev1.HTTPGetAction   `json:"httpGet"`
		TCPSocket *corev1.TCPSocketAction `json:"tcpSocket"`
	}
	if !ok || json.Unmarshal([]byte(probers), &got) != nil {
		t.Fatalf("ISTIO_KUBE_APP_PROBERS %q", probers)
	}
	if r := got["/app-health/web/readyz"].HTTPGet; r == nil || r.Path != "/ready" || r.Port.IntVal != 8080 {
		t.Errorf("the agent's readiness probe (named port resolved): %+v", r)
	}
	if l := got["/app-health/web/livez"].TCPSocket; l == nil || l.Port.IntVal != 8080 {
		t.Errorf("the agent's liveness probe: %+v", l)
	}
	if m, _ := env(proxy, "ISTIO_PROMETHEUS_ANNOTATIONS"); m != `{"scrape":"true","path":"/metrics","port":"9090"}` {
		t.Errorf("ISTIO_PROMETHEUS_ANNOTATIONS %q", m)
	}
	if why := mutators.SidecarMismatch(pod, env0.Policy); why != "" {
		t.Errorf("the wired Pod's proxy is not taken for pave's: %s", why)
	}
	if n := len(env0.Policy.Spec.Mesh.Sidecar.Container.Env); n != prepared {
		t.Errorf("the policy's proxy template changed: %d env vars, had %d", n, prepared)
	}
	if again, _ := (mutators.Sidecar{}).Mutate(context.Background(), pod, env0); again {
		t.Error("wiring a wired Pod changed it again")
	}

	// Another webhook adds a container between two runs (reinvocationPolicy:
	// IfNeeded): its probe joins the agent's, which keeps the first run's.
	pod.PodSpec.Containers = append(pod.PodSpec.Containers, corev1.Container{Name: "late", Image: "y:1",
		ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 7000}}}})
	if changed, _ := (mutators.Sidecar{}).Mutate(context.Background(), pod, env0); !changed {
		t.Fatal("the added container's probe was not wired")
	}
	probers, _ = env(&pod.PodSpec.InitContainers[0], "ISTIO_KUBE_APP_PROBERS")
	got = nil
	if json.Unmarshal([]byte(probers), &got) != nil || len(got) != 3 {
		t.Errorf("after the second run the agent probes %q, want the three", probers)
	}
}

// A forged template (a team fills the Deployment's proxy environment in
// itself) is not taken for pave's: only a Pod's proxy may differ from the
// template by what the Pod's wiring adds.
func TestOnlyAPodsProxyCarriesItsWiring(t *testing.T) {
	env0 := meshEnv(t, v1alpha1.MeshIstio)
	d := workloadtest.FromYAML(t, probedDeployment)
	if _, err := (mutators.Sidecar{}).Mutate(context.Background(), d, env0); err != nil {
		t.Fatal(err)
	}
	proxy := &d.PodSpec.InitContainers[0]
	proxy.Env = append(append([]corev1.EnvVar{}, proxy.Env...), corev1.EnvVar{Name: "ISTIO_KUBE_APP_PROBERS", Value: "{}"})
	if why := mutators.SidecarMismatch(d, env0.Policy); why == "" {
		t.Error("a pod template whose proxy carries a Pod's wiring passed as pave's")
	}
}

// A Pod that says it is not to be scraped keeps its annotations, and its
// agent is given no endpoint to merge.
func TestWiringLeavesAnUnscrapedPod(t *testing.T) {
	env0 := meshEnv(t, v1alpha1.MeshIstio)
	w := workloadtest.FromYAML(t, `apiVersion: v1
kind: Pod
metadata: {name: p, annotations: {prometheus.io/scrape: "false", prometheus.io/port: "9090"}}
spec:
  containers: [{name: c, image: "x:1", ports: [{name: metrics, containerPort: 9090}]}]`)
	if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env0); err != nil {
		t.Fatal(err)
	}
	if v, ok := env(&w.PodSpec.InitContainers[0], "ISTIO_PROMETHEUS_ANNOTATIONS"); ok {
		t.Errorf("an unscraped Pod's agent merges %q", v)
	}
	if w.PodMeta.Annotations[v1alpha1.AnnotationScrapePort] != "9090" {
		t.Errorf("an unscraped Pod's annotations changed: %v", w.PodMeta.Annotations)
	}
	if w.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus] == "" {
		t.Error("no Istio status")
	}
}

// Istio's own switches are read as Istio's injector reads them: a Pod may
// keep its probes as they are, or its metrics unmerged; it is still marked
// for istio-cni.
func TestIstiosSwitchesKeepProbesAndMetrics(t *testing.T) {
	env0 := meshEnv(t, v1alpha1.MeshIstio)
	w := workloadtest.FromYAML(t, `apiVersion: v1
kind: Pod
metadata: {name: p, annotations: {sidecar.istio.io/rewriteAppHTTPProbers: "false", prometheus.istio.io/merge-metrics: "0"}}
spec:
  containers:
  - name: c
    image: "x:1"
    ports: [{name: metrics, containerPort: 9090}]
    readinessProbe: {httpGet: {path: /ready, port: 9090}}`)
	if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env0); err != nil {
		t.Fatal(err)
	}
	if p := w.PodSpec.Containers[0].ReadinessProbe.HTTPGet; p.Path != "/ready" || p.Port.IntVal != 9090 {
		t.Errorf("the probe was sent to Istio's agent against rewriteAppHTTPProbers: %+v", p)
	}
	for _, name := range []string{"ISTIO_KUBE_APP_PROBERS", "ISTIO_PROMETHEUS_ANNOTATIONS"} {
		if v, ok := env(&w.PodSpec.InitContainers[0], name); ok {
			t.Errorf("%s = %q against Istio's switches", name, v)
		}
	}
	if w.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus] == "" {
		t.Error("no Istio status")
	}
}

// A Pod that keeps its service account's token (automountServiceAccountToken:
// true, which pave admits with a warning) gets the API server's token mount
// in every container, the proxy of its template included: the
// ServiceAccount admission plugin appends it. That proxy is still pave's;
// the same mount written into a template, or a mount that is not the
// plugin's, is not.
func TestSidecarMatchesAPodThatKeepsItsToken(t *testing.T) {
	env0 := meshEnv(t, v1alpha1.MeshIstio)
	d := workloadtest.FromYAML(t, probedDeployment)
	if _, err := (mutators.Sidecar{}).Mutate(context.Background(), d, env0); err != nil {
		t.Fatal(err)
	}
	tokenSource := func(audience string) corev1.VolumeSource {
		expiry := int64(3607)
		return corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
			{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", Audience: audience, ExpirationSeconds: &expiry}},
			{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"}, Items: []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}}}},
		}}}
	}
	// keeping is w after the plugin: the volume, and the mount in every container.
	keeping := func(w *workload.Workload, name string, source corev1.VolumeSource, mount corev1.VolumeMount) *workload.Workload {
		w.PodSpec.Volumes = append(w.PodSpec.Volumes, corev1.Volume{Name: name, VolumeSource: source})
		for _, list := range [][]corev1.Container{w.PodSpec.InitContainers, w.PodSpec.Containers} {
			for i := range list {
				list[i].VolumeMounts = append(list[i].VolumeMounts, mount)
			}
		}
		return w
	}
	theMount := corev1.VolumeMount{Name: "kube-api-access-x7k2q", ReadOnly: true, MountPath: "/var/run/secrets/kubernetes.io/serviceaccount"}
	if why := mutators.SidecarMismatch(keeping(podOf(t, d), theMount.Name, tokenSource(""), theMount), env0.Policy); why != "" {
		t.Errorf("a Pod that keeps its token: %s", why)
	}
	writable := theMount
	writable.ReadOnly = false
	other := theMount
	other.MountPath = "/var/run/secrets/other"
	secret := corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "another-token"}}
	for name, w := range map[string]*workload.Workload{
		"in a template":                keeping(workloadtest.FromYAML(t, probedDeployment), theMount.Name, tokenSource(""), theMount),
		"a writable mount":             keeping(podOf(t, d), theMount.Name, tokenSource(""), writable),
		"another path":                 keeping(podOf(t, d), theMount.Name, tokenSource(""), other),
		"a Secret named like it":       keeping(podOf(t, d), theMount.Name, secret, theMount),
		"a token for another audience": keeping(podOf(t, d), theMount.Name, tokenSource("vault"), theMount),
	} {
		if w.Kind != "Pod" {
			if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env0); err != nil {
				t.Fatal(err)
			}
			w.PodSpec.InitContainers[0].VolumeMounts = append(w.PodSpec.InitContainers[0].VolumeMounts, theMount)
		}
		if why := mutators.SidecarMismatch(w, env0.Policy); why == "" {
			t.Errorf("%s: the proxy passed as pave's", name)
		}
	}
}
