package workload_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/workload"
)

// cutOf is CompanionInputs of a Deployment with template t and annotations a.
func cutOf(t *testing.T, a map[string]string, tmpl corev1.PodTemplateSpec) *appsv1.Deployment {
	t.Helper()
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", UID: "u1", ResourceVersion: "7", Generation: 3,
			Labels: map[string]string{v1alpha1.LabelTeam: "shop"}, Annotations: a,
			ManagedFields:   []metav1.ManagedFieldsEntry{{Manager: "kubectl"}},
			OwnerReferences: []metav1.OwnerReference{{Kind: "Gateway", Name: "gw"}}, Finalizers: []string{"example.com/hold"}},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](2), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, Template: tmpl},
	}
	w, err := workload.New(d)
	if err != nil {
		t.Fatal(err)
	}
	workload.CompanionInputs(w)
	return d
}

func TestCompanionInputsKeepWhatTheControllerReads(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	secretEnv := &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}
	ports := []corev1.ContainerPort{{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}}
	got := cutOf(t, map[string]string{
		v1alpha1.AnnotationCanaryStatus: `{"weight":10}`, v1alpha1.AnnotationTimeout: "5s",
		corev1.LastAppliedConfigAnnotation: "{...}", "example.com/notes": "anything",
	}, corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}, Annotations: map[string]string{
			v1alpha1.AnnotationVaultAgentInject: "true", v1alpha1.AnnotationSidecarStatus: "abc", "checksum/config": "123",
		}},
		Spec: corev1.PodSpec{
			HostNetwork: true, OS: &corev1.PodOS{Name: corev1.Linux}, RestartPolicy: corev1.RestartPolicyAlways,
			NodeSelector: map[string]string{"disk": "ssd"}, Tolerations: []corev1.Toleration{{Key: "k"}},
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true)},
			InitContainers:  []corev1.Container{{Name: "proxy", Image: "proxy:1", RestartPolicy: &always, Ports: ports, Args: []string{"proxy"}}},
			Containers: []corev1.Container{{
				Name: "app", Image: "app:1", Ports: ports, Command: []string{"/app"}, Args: []string{"--flag"},
				Env: []corev1.EnvVar{{Name: "MODE", Value: "prod"}, {Name: "PASSWORD", ValueFrom: secretEnv},
					{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}},
				EnvFrom:        []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}, {Prefix: "DB_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "db-env"}}}},
				Resources:      corev1.ResourceRequirements{Limits: corev1.ResourceList{}},
				ReadinessProbe: &corev1.Probe{InitialDelaySeconds: 3},
				VolumeMounts:   []corev1.VolumeMount{{Name: "certs", MountPath: "/certs"}},
			}},
			Volumes: []corev1.Volume{
				{Name: "certs", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "tls", Items: []corev1.KeyToPath{{Key: "a", Path: "b"}}}}},
				{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}},
				{Name: "store", VolumeSource: corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{Driver: "secrets-store.csi.k8s.io", VolumeAttributes: map[string]string{"a": "b"}}}},
				{Name: "token", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
					{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}},
					{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "extra"}, Items: []corev1.KeyToPath{{Key: "a", Path: "b"}}}},
				}}}},
				{Name: "sa", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}}}}}},
			},
		},
	})
	want := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", UID: "u1", ResourceVersion: "7", Generation: 3,
			Labels:      map[string]string{v1alpha1.LabelTeam: "shop"},
			Annotations: map[string]string{v1alpha1.AnnotationCanaryStatus: `{"weight":10}`, v1alpha1.AnnotationTimeout: "5s"}},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](2), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}, Annotations: map[string]string{
				v1alpha1.AnnotationVaultAgentInject: "true", v1alpha1.AnnotationSidecarStatus: "abc"}},
			Spec: corev1.PodSpec{
				HostNetwork: true, OS: &corev1.PodOS{Name: corev1.Linux}, RestartPolicy: corev1.RestartPolicyAlways,
				InitContainers: []corev1.Container{{Name: "proxy", Image: "proxy:1", RestartPolicy: &always, Ports: ports}},
				Containers: []corev1.Container{{Name: "app", Image: "app:1", Ports: ports,
					Env:     []corev1.EnvVar{{Name: "PASSWORD", ValueFrom: secretEnv}},
					EnvFrom: []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "db-env"}}}}}},
				Volumes: []corev1.Volume{
					{Name: "certs", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "tls"}}},
					{Name: "store", VolumeSource: corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{Driver: "secrets-store.csi.k8s.io"}}},
					{Name: "token", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
						{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "extra"}}}}}}},
				},
			},
		}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("cut (-want +got):\n%s", d)
	}
	w, _ := workload.New(got)
	workload.CompanionInputs(w)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("a second cut changed it (-want +got):\n%s", d)
	}
}

// A team member may write a quarter megabyte of annotations and a template
// of up to the API server's 1.5 MB; the controller keeps of it what it
// reads, whatever its size.
func TestCompanionInputsDropWhatATeamCanGrow(t *testing.T) {
	big := strings.Repeat("x", 250_000)
	var env []corev1.EnvVar
	for i := range 1000 {
		env = append(env, corev1.EnvVar{Name: "V" + strings.Repeat("v", i%50), Value: big[:1000]})
	}
	got := cutOf(t, map[string]string{"example.com/blob": big}, corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"example.com/blob": big}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "app:1", Args: []string{big, big}, Env: env,
			Lifecycle: &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{big}}}}}},
			Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "k", Operator: "In", Values: []string{big}}}}}}}},
		},
	})
	js, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if len(js) > 1024 {
		t.Errorf("the cut of a workload of megabytes is %d bytes: %s", len(js), js)
	}
}

// Of a StatefulSet the claim templates go: nothing of the controller reads
// them, and each may carry a quarter megabyte of annotations of its own.
func TestCompanionInputsDropClaimTemplates(t *testing.T) {
	s := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "db"}, Spec: appsv1.StatefulSetSpec{
		ServiceName:          "db",
		VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "data", Annotations: map[string]string{"example.com/blob": "x"}}}},
	}}
	w, err := workload.New(s)
	if err != nil {
		t.Fatal(err)
	}
	workload.CompanionInputs(w)
	if s.Spec.VolumeClaimTemplates != nil || s.Spec.ServiceName != "db" {
		t.Errorf("cut %+v", s.Spec)
	}
}
