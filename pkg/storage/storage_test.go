package storage_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/storage"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func class(name, provisioner string, params map[string]string, isDefault bool) storagev1.StorageClass {
	sc := storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Provisioner: provisioner, Parameters: params}
	if isDefault {
		sc.Annotations = map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}
	}
	return sc
}

func TestEncryptsByProvisioner(t *testing.T) {
	env := workloadtest.Env()
	for _, c := range []struct {
		sc   storagev1.StorageClass
		want bool
	}{
		{class("ebs", "ebs.csi.aws.com", map[string]string{"encrypted": "true"}, false), true},
		{class("ebs-kms", "kubernetes.io/aws-ebs", map[string]string{"kmsKeyId": "arn:aws:kms:..."}, false), true},
		{class("ebs-plain", "ebs.csi.aws.com", map[string]string{"type": "gp3"}, false), false},
		{class("ebs-false", "ebs.csi.aws.com", map[string]string{"encrypted": "false"}, false), false},
		{class("pd", "pd.csi.storage.gke.io", map[string]string{"disk-encryption-kms-key": "projects/p/keys/k"}, false), true},
		{class("pd-plain", "pd.csi.storage.gke.io", nil, false), false},
		{class("azure", "disk.csi.azure.com", map[string]string{"diskEncryptionSetID": "/subscriptions/s/des"}, false), true},
		{class("ceph", "openshift-storage.rbd.csi.ceph.com", map[string]string{"encrypted": "true"}, false), true},
		{class("longhorn", "driver.longhorn.io", map[string]string{"encrypted": "true"}, false), true},
		{class("local", "rancher.io/local-path", nil, false), false},
	} {
		got, why := storage.Encrypts(c.sc, env)
		if got != c.want || why == "" {
			t.Errorf("%s (%s): encrypts=%v (%s), want %v", c.sc.Name, c.sc.Provisioner, got, why, c.want)
		}
	}
}

func TestDefaultClass(t *testing.T) {
	env := workloadtest.Env()
	plainDefault := class("standard", "ebs.csi.aws.com", nil, true)
	encrypted := class("gp3-encrypted", "ebs.csi.aws.com", map[string]string{"encrypted": "true"}, false)
	env.StorageClasses = []storagev1.StorageClass{plainDefault, class("zz-encrypted", "driver.longhorn.io", map[string]string{"encrypted": "true"}, false), encrypted}
	if got, _ := storage.DefaultClass(env); got != "gp3-encrypted" {
		t.Errorf("default %q, want the first encrypting class: the cluster's default does not encrypt", got)
	}
	env.StorageClasses[2] = class("gp3-encrypted", "ebs.csi.aws.com", map[string]string{"encrypted": "true"}, true)
	env.StorageClasses[0] = class("standard", "ebs.csi.aws.com", nil, false)
	if got, _ := storage.DefaultClass(env); got != "gp3-encrypted" {
		t.Errorf("default %q, want the cluster's encrypting default", got)
	}
	p := *env.Policy
	p.Spec.Storage.DefaultClass = "vault-class"
	env.Policy = &p
	if got, _ := storage.DefaultClass(env); got != "vault-class" {
		t.Errorf("default %q, want the policy's", got)
	}
	env = workloadtest.Env()
	if got, ok := storage.DefaultClass(env); ok {
		t.Errorf("default %q with no class known, want none", got)
	}
}

func claim(class *string) *corev1.PersistentVolumeClaim {
	return &corev1.PersistentVolumeClaim{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
		ObjectMeta: metav1.ObjectMeta{Name: "data", Namespace: "shop"}, Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: class}}
}

func TestClaims(t *testing.T) {
	env := workloadtest.Env()
	env.StorageClasses = []storagev1.StorageClass{
		class("standard", "ebs.csi.aws.com", nil, true),
		class("gp3-encrypted", "ebs.csi.aws.com", map[string]string{"encrypted": "true"}, false),
	}
	ctx := context.Background()
	str := func(s string) *string { return &s }

	// No class: given the encrypting one, then judged compliant.
	pvc := claim(nil)
	if changed, _ := (storage.ClaimClass{}).MutateObject(ctx, pvc, env); !changed || *pvc.Spec.StorageClassName != "gp3-encrypted" {
		t.Fatalf("class %v, want gp3-encrypted", pvc.Spec.StorageClassName)
	}
	if vs := (storage.Encrypted{}).ValidateObject(ctx, pvc, env); len(vs) != 0 {
		t.Errorf("compliant claim: %v", vs)
	}
	// A class named (here by the API server's default): kept, and judged.
	pvc = claim(str("standard"))
	if changed, _ := (storage.ClaimClass{}).MutateObject(ctx, pvc, env); changed {
		t.Error("a named class was changed")
	}
	vs := (storage.Encrypted{}).ValidateObject(ctx, pvc, env)
	if len(vs) != 1 || vs[0].Field != "spec.storageClassName" || !strings.Contains(vs[0].Message, "cluster's default class") || !strings.Contains(vs[0].Fix, "gp3-encrypted") {
		t.Errorf("unencrypted default: %+v", vs)
	}
	// The empty class: a pre-provisioned volume, which pave cannot judge.
	if vs := (storage.Encrypted{}).ValidateObject(ctx, claim(str("")), env); len(vs) != 1 || !strings.Contains(vs[0].Message, "pre-provisioned") {
		t.Errorf("empty class: %+v", vs)
	}
}

func TestWorkloadClaims(t *testing.T) {
	env := workloadtest.Env()
	env.StorageClasses = []storagev1.StorageClass{class("gp3-encrypted", "ebs.csi.aws.com", map[string]string{"encrypted": "true"}, false)}
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  selector: {matchLabels: {app: db}}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
  - metadata: {name: logs}
    spec: {storageClassName: plain, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
  template:
    spec:
      containers: [{name: db, image: x:1}]
      volumes:
      - name: scratch
        ephemeral: {volumeClaimTemplate: {spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}}`)
	changed, err := storage.TemplateClasses{}.Mutate(context.Background(), w, env)
	if err != nil || !changed {
		t.Fatalf("changed=%v err=%v", changed, err)
	}
	vs := storage.Encrypted{}.Validate(context.Background(), w, env)
	var fields []string
	for _, v := range vs {
		fields = append(fields, v.Field)
	}
	if !slices.Equal(fields, []string{"spec.volumeClaimTemplates[1].spec.storageClassName"}) {
		t.Errorf("findings at %v, want only the template that names an unencrypted class", fields)
	}
	if got := w.PodSpec.Volumes[0].Ephemeral.VolumeClaimTemplate.Spec.StorageClassName; got == nil || *got != "gp3-encrypted" {
		t.Errorf("ephemeral volume class %v", got)
	}
}
