package mutators_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mutators"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func meshEnv(t *testing.T, mode v1alpha1.MeshMode) policy.Env {
	t.Helper()
	return workloadtest.MeshEnv(t, mode)
}

func TestSidecarInjectsOnceAndIsIdempotent(t *testing.T) {
	env := meshEnv(t, v1alpha1.MeshIstio)
	w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	changed, err := mutators.Sidecar{}.Mutate(context.Background(), w, env)
	if err != nil || !changed {
		t.Fatalf("changed=%v err=%v", changed, err)
	}
	ic := w.PodSpec.InitContainers
	if len(ic) != 1 || ic[0].Name != "istio-proxy" || ic[0].RestartPolicy == nil || *ic[0].RestartPolicy != "Always" {
		t.Fatalf("not a native sidecar: %+v", ic)
	}
	hash, _ := policy.TemplateHash(env.Policy.Spec.Mesh.Sidecar)
	if w.PodMeta.Annotations[v1alpha1.AnnotationSidecarStatus] != hash {
		t.Fatalf("status annotation %q, want %q", w.PodMeta.Annotations[v1alpha1.AnnotationSidecarStatus], hash)
	}
	volumes := len(w.PodSpec.Volumes)
	if again, _ := (mutators.Sidecar{}).Mutate(context.Background(), w, env); again || len(w.PodSpec.Volumes) != volumes {
		t.Fatal("second injection changed the pod")
	}
}

// A Pod whose sidecar comes from an older template (or has no status) gets
// the current proxy at creation, as Istio's injector does; one that claims the
// current template with a copied hash is left for the mesh validator to deny.
func TestSidecarReplacesOlderProxiesAndLeavesForgeries(t *testing.T) {
	env := meshEnv(t, v1alpha1.MeshIstio)
	hash, _ := policy.TemplateHash(env.Policy.Spec.Mesh.Sidecar)
	pod := func(status string) string {
		return `apiVersion: v1
kind: Pod
metadata:
  name: web-1
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web, uid: u}]
  annotations: {pave.dev/sidecar-status: "` + status + `"}
spec:
  initContainers: [{name: istio-proxy, image: "busybox:1.36", restartPolicy: Always}]
  volumes: [{name: istio-token, hostPath: {path: /}}]
  containers: [{name: c, image: "x:1"}]`
	}
	w := workloadtest.FromYAML(t, pod("oldhash"))
	if changed, _ := (mutators.Sidecar{}).Mutate(context.Background(), w, env); !changed {
		t.Fatal("a sidecar of an older template was kept")
	}
	if why := mutators.SidecarMismatch(w, env.Policy); why != "" {
		t.Fatalf("after injection: %s", why)
	}
	if again, _ := (mutators.Sidecar{}).Mutate(context.Background(), w, env); again {
		t.Fatal("not idempotent")
	}
	forged := workloadtest.FromYAML(t, pod(hash))
	if changed, _ := (mutators.Sidecar{}).Mutate(context.Background(), forged, env); changed {
		t.Fatal("a forgery was overwritten instead of left for the validator")
	}
	if why := mutators.SidecarMismatch(forged, env.Policy); !strings.Contains(why, "busybox") {
		t.Fatalf("forgery not told apart: %q", why)
	}
}

func TestSidecarSkips(t *testing.T) {
	cases := map[string]string{
		"hostNetwork": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostNetwork: true, containers: [{name: c, image: 'x:1'}]}",
		"opted out":   "apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {pave.dev/inject: 'false'}}\nspec: {containers: [{name: c, image: 'x:1'}]}",
		"windows":     "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {os: {name: windows}, containers: [{name: c, image: 'x:1'}]}",
		"name taken":  "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: istio-proxy, image: 'x:1'}]}",
	}
	for name, doc := range cases {
		w := workloadtest.FromYAML(t, doc)
		if changed, _ := (mutators.Sidecar{}).Mutate(context.Background(), w, meshEnv(t, v1alpha1.MeshIstio)); changed {
			t.Errorf("%s: injected", name)
		}
	}
	w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	if changed, _ := (mutators.Sidecar{}).Mutate(context.Background(), w, meshEnv(t, v1alpha1.MeshOff)); changed {
		t.Error("mesh off: injected")
	}
	if changed, _ := (mutators.Sidecar{}).Mutate(context.Background(), w, meshEnv(t, v1alpha1.MeshDelegate)); !changed || w.PodMeta.Labels[v1alpha1.LabelIstioInject] != "true" || len(w.PodSpec.InitContainers) != 0 {
		t.Error("delegate mode: want the label and no container")
	}
}

// The validating webhook sees the pod as the API server stored it, with its
// defaults filled in (fieldRef apiVersion, port protocol, volume modes): that
// is still the real sidecar.
func TestSidecarMatchesAfterAPIServerDefaults(t *testing.T) {
	env := meshEnv(t, v1alpha1.MeshIstio)
	w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil {
		t.Fatal(err)
	}
	sc := &w.PodSpec.InitContainers[0]
	for i := range sc.Env {
		if f := sc.Env[i].ValueFrom; f != nil && f.FieldRef != nil {
			f.FieldRef.APIVersion = "v1"
		}
	}
	for i := range sc.Ports {
		sc.Ports[i].Protocol = "TCP"
	}
	mode := int32(420)
	for i := range w.PodSpec.Volumes {
		if v := w.PodSpec.Volumes[i].VolumeSource; v.Projected != nil {
			v.Projected.DefaultMode = &mode
		}
	}
	if why := mutators.SidecarMismatch(w, env.Policy); why != "" {
		t.Fatalf("defaults made the real sidecar a mismatch: %s", why)
	}
	if changed, _ := (mutators.Sidecar{}).Mutate(context.Background(), w, env); changed {
		t.Fatal("re-injected over the API server's defaults")
	}
}

// The injected proxy shares its resource lists with the policy's prepared
// proxy (workload.CopyContainer), so a default the resources mutator gives it
// must go into a list of its own: written into the shared one, it would turn
// up in every proxy injected after.
func TestProxyDefaultsStayInTheirPod(t *testing.T) {
	env := workloadtest.Env()
	spec := env.Policy.Spec
	spec.Mesh.Mode = v1alpha1.MeshIstio
	storage := corev1.ResourceEphemeralStorage // the proxy's template sets none
	spec.Resources.DefaultRequests = corev1.ResourceList{storage: resource.MustParse("1Gi")}
	spec.Resources.DefaultLimits = corev1.ResourceList{storage: resource.MustParse("2Gi")}
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	env.Policy = p
	inject := func(resources bool) corev1.ResourceRequirements {
		w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
		if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil {
			t.Fatal(err)
		}
		if resources {
			if _, err := (mutators.Resources{}).Mutate(context.Background(), w, env); err != nil {
				t.Fatal(err)
			}
		}
		return w.PodSpec.InitContainers[0].Resources
	}
	first := inject(true)
	if first.Requests.StorageEphemeral().String() != "1Gi" || first.Limits.StorageEphemeral().String() != "2Gi" {
		t.Fatalf("the first proxy did not get the defaults: %v", first)
	}
	next := inject(false)
	if _, ok := next.Requests[storage]; ok {
		t.Fatalf("the next proxy carries the first one's default request: %v", next.Requests)
	}
	if _, ok := next.Limits[storage]; ok {
		t.Fatalf("the next proxy carries the first one's default limit: %v", next.Limits)
	}
}

// The proxy shares what its pod budgets at pod level, as the team's
// containers do: where the pod sets a request, the proxy's is 0 (a request
// of its own would count against the pod's, and none at all would become
// the limit or a LimitRange's default); where it sets a limit, the proxy's
// is no higher. That holds for a proxy injected into such a pod and for one
// already there when the pod comes to budget it; what the pod does not
// budget the proxy keeps, and the policy's proxy is left whole.
func TestSidecarSharesThePodsBudget(t *testing.T) {
	env := meshEnv(t, v1alpha1.MeshIstio)
	want, _ := mutators.PreparedProxy(env.Policy)
	if want.Resources.Requests.Cpu().IsZero() || want.Resources.Limits.Memory().Cmp(resource.MustParse("512Mi")) <= 0 {
		t.Fatalf("the built-in proxy has no cpu request or a memory limit under 512Mi: %v", want.Resources)
	}
	w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	if changed, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil || !changed {
		t.Fatalf("changed=%v err=%v", changed, err)
	}
	if got := w.PodSpec.InitContainers[0].Resources; !equality.Semantic.DeepEqual(got, want.Resources) {
		t.Fatalf("a pod without a budget: the proxy has %v, want the policy's %v", got, want.Resources)
	}

	// The team gives the pod a budget: the proxy, current, is kept, and fitted.
	w.PodSpec.Resources = &corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("512Mi")}}
	if changed, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil || !changed {
		t.Fatalf("changed=%v err=%v", changed, err)
	}
	got := w.PodSpec.InitContainers[0].Resources
	if q, ok := got.Requests[corev1.ResourceCPU]; !ok || !q.IsZero() {
		t.Errorf("the proxy's cpu request is %v in a pod that budgets cpu, want an explicit 0", got.Requests)
	}
	if q := got.Limits.Memory(); q.String() != "512Mi" {
		t.Errorf("the proxy's memory limit is %s, above the pod's 512Mi", q.String())
	}
	if !got.Requests.Memory().Equal(*want.Resources.Requests.Memory()) {
		t.Errorf("the proxy lost the memory request the pod does not budget: %v", got)
	}
	if again, _ := (mutators.Sidecar{}).Mutate(context.Background(), w, env); again {
		t.Error("a second mutation changed the proxy again")
	}

	// A new pod with the budget from the start gets the same proxy.
	fresh := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	fresh.PodSpec.Resources = w.PodSpec.Resources
	if _, err := (mutators.Sidecar{}).Mutate(context.Background(), fresh, env); err != nil {
		t.Fatal(err)
	}
	if !equality.Semantic.DeepEqual(fresh.PodSpec.InitContainers[0].Resources, got) {
		t.Errorf("injected into a budgeted pod: %v, want %v", fresh.PodSpec.InitContainers[0].Resources, got)
	}
	if now, _ := mutators.PreparedProxy(env.Policy); !equality.Semantic.DeepEqual(now.Resources, want.Resources) {
		t.Errorf("the policy's proxy became %v, was %v", now.Resources, want.Resources)
	}
}

// pave's proxy leaves a pod pave no longer meshes, with its status and the
// volumes only it mounts: else it waited in every new pod for an istiod
// that may be gone. Istio's own proxy, and a container of the name without
// pave's status, stay.
func TestSidecarLeavesWhatIsNoLongerMeshed(t *testing.T) {
	meshed := func(t *testing.T, kind string) *workload.Workload {
		t.Helper()
		w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
		if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, meshEnv(t, v1alpha1.MeshIstio)); err != nil {
			t.Fatal(err)
		}
		// The app shares one of the proxy's volumes: it stays.
		w.PodSpec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "istio-podinfo", MountPath: "/podinfo"}}
		if kind == "Pod" {
			w.Kind = "Pod"
		}
		return w
	}
	gone := func(t *testing.T, w *workload.Workload) {
		t.Helper()
		if len(w.PodSpec.InitContainers) != 0 {
			t.Errorf("the proxy stayed: %v", w.PodSpec.InitContainers)
		}
		if _, ok := w.PodMeta.Annotations[v1alpha1.AnnotationSidecarStatus]; ok {
			t.Error("the proxy's status stayed")
		}
		if len(w.PodSpec.Volumes) != 1 || w.PodSpec.Volumes[0].Name != "istio-podinfo" {
			t.Errorf("volumes %v, want only the one the app mounts", w.PodSpec.Volumes)
		}
	}
	for _, tc := range []struct {
		name string
		mode v1alpha1.MeshMode
		edit func(*workload.Workload)
	}{
		{"the mesh turned off", v1alpha1.MeshOff, nil},
		{"handed to Cilium", v1alpha1.MeshCilium, nil},
		{"handed to Istio's injector", v1alpha1.MeshDelegate, nil},
		{"opted out", v1alpha1.MeshIstio, func(w *workload.Workload) { w.PodMeta.Annotations[v1alpha1.AnnotationInject] = "false" }},
		{"beside the node's network", v1alpha1.MeshIstio, func(w *workload.Workload) { w.PodSpec.HostNetwork = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := meshed(t, "Deployment")
			if tc.edit != nil {
				tc.edit(w)
			}
			if changed, err := (mutators.Sidecar{}).Mutate(context.Background(), w, meshEnv(t, tc.mode)); err != nil || !changed {
				t.Fatalf("changed=%v err=%v", changed, err)
			}
			gone(t, w)
			if again, _ := (mutators.Sidecar{}).Mutate(context.Background(), w, meshEnv(t, tc.mode)); again && tc.mode != v1alpha1.MeshDelegate {
				t.Error("a second mutation changed the pod again")
			}
		})
	}
	t.Run("a Pod made from a template of before", func(t *testing.T) {
		w := meshed(t, "Pod")
		if changed, _ := (mutators.Sidecar{}).Mutate(context.Background(), w, meshEnv(t, v1alpha1.MeshOff)); !changed {
			t.Fatal("unchanged")
		}
		gone(t, w)
	})
	t.Run("stays", func(t *testing.T) {
		for name, tc := range map[string]struct {
			mode v1alpha1.MeshMode
			edit func(*workload.Workload)
		}{
			"a Pod in delegate mode": {v1alpha1.MeshDelegate, func(w *workload.Workload) { w.Kind = "Pod" }},
			"a Pod Istio wired": {v1alpha1.MeshOff, func(w *workload.Workload) {
				w.Kind = "Pod"
				w.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus] = "{}"
			}},
			"a container of the name without pave's status": {v1alpha1.MeshOff, func(w *workload.Workload) {
				delete(w.PodMeta.Annotations, v1alpha1.AnnotationSidecarStatus)
			}},
		} {
			w := meshed(t, "Deployment")
			tc.edit(w)
			_, _ = (mutators.Sidecar{}).Mutate(context.Background(), w, meshEnv(t, tc.mode))
			if len(w.PodSpec.InitContainers) != 1 {
				t.Errorf("%s: the proxy was taken out", name)
			}
		}
	})
}

// Hugepages a pod budgets are not shared: the proxy gets no request of them.
func TestSidecarLeavesHugepagesToTheTeam(t *testing.T) {
	env := meshEnv(t, v1alpha1.MeshIstio)
	w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	w.PodSpec.Resources = &corev1.ResourceRequirements{
		Requests: corev1.ResourceList{"hugepages-2Mi": resource.MustParse("128Mi")},
		Limits:   corev1.ResourceList{"hugepages-2Mi": resource.MustParse("128Mi")}}
	if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil {
		t.Fatal(err)
	}
	want, _ := mutators.PreparedProxy(env.Policy)
	if got := w.PodSpec.InitContainers[0].Resources; !equality.Semantic.DeepEqual(got, want.Resources) {
		t.Errorf("the proxy has %v in a pod that budgets hugepages, want the policy's %v", got, want.Resources)
	}
}

// A pod limit below the proxy's request brings the request down with the
// limit: a request above its limit is refused.
func TestSidecarFitsUnderThePodsLimit(t *testing.T) {
	env := meshEnv(t, v1alpha1.MeshIstio)
	w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
	w.PodSpec.Resources = &corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("64Mi")}}
	if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil {
		t.Fatal(err)
	}
	got := w.PodSpec.InitContainers[0].Resources
	if got.Limits.Memory().String() != "64Mi" || got.Requests.Memory().String() != "64Mi" {
		t.Errorf("the proxy's memory: request %s, limit %s; want both 64Mi, the pod's limit", got.Requests.Memory(), got.Limits.Memory())
	}
}

// kubectl set env writes every container of a template, the proxy among
// them: pave's proxy, changed in place, is put back as the template has it,
// and the team's container keeps the change. So is one whose arguments a
// team member edited; a look-alike of another image is still left for the
// validator (TestSidecarReplacesOlderProxiesAndLeavesForgeries).
func TestSidecarPutsBackItsProxyChangedInPlace(t *testing.T) {
	env := meshEnv(t, v1alpha1.MeshIstio)
	for name, change := range map[string]func(proxy *corev1.Container){
		"kubectl set env": func(proxy *corev1.Container) {
			proxy.Env = append(proxy.Env, corev1.EnvVar{Name: "LOG_LEVEL", Value: "debug"})
		},
		"its arguments": func(proxy *corev1.Container) { proxy.Args = append(proxy.Args, "--concurrency=8") },
	} {
		t.Run(name, func(t *testing.T) {
			w := workloadtest.FromYAML(t, workloadtest.Deployment("x:1"))
			if _, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil {
				t.Fatal(err)
			}
			// What the API server gives the webhook after the change: a
			// proxy of its own, not the policy's.
			proxy := w.PodSpec.InitContainers[0].DeepCopy()
			change(proxy)
			w.PodSpec.InitContainers[0] = *proxy
			w.PodSpec.Containers[0].Env = append(w.PodSpec.Containers[0].Env, corev1.EnvVar{Name: "LOG_LEVEL", Value: "debug"})
			if why := mutators.SidecarMismatch(w, env.Policy); why == "" {
				t.Fatal("the change made no difference the mesh check sees")
			}
			if changed, err := (mutators.Sidecar{}).Mutate(context.Background(), w, env); err != nil || !changed {
				t.Fatalf("changed=%v err=%v: the proxy was not put back", changed, err)
			}
			if why := mutators.SidecarMismatch(w, env.Policy); why != "" {
				t.Errorf("after the mutation: %s", why)
			}
			if app := w.PodSpec.Containers[0].Env; len(app) == 0 || app[len(app)-1].Name != "LOG_LEVEL" {
				t.Errorf("the team's container lost its change: %v", app)
			}
			if again, _ := (mutators.Sidecar{}).Mutate(context.Background(), w, env); again {
				t.Error("the put-back proxy was changed again")
			}
		})
	}
}
