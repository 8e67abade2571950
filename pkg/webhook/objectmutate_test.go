package webhook_test

import (
	"context"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// A PersistentVolumeClaim that names no class is given the encrypting one
// at creation, with a patch that adds only that field; an update is never
// patched (the class is immutable); the validating webhook denies a claim
// on a class that does not encrypt, naming the one that does.
func TestClaimsGetAnEncryptedClass(t *testing.T) {
	m, v := handlers(t,
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "plain"}, Provisioner: "ebs.csi.aws.com"},
		&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "sealed"}, Provisioner: "ebs.csi.aws.com", Parameters: map[string]string{"encrypted": "true"}})
	pvc := "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: shop}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, futureField: keep}\n"
	req := request(t, admissionv1.Create, "shop", pvc)
	resp := m.Handle(context.Background(), req)
	if !resp.Allowed || len(patchOps(t, resp)) != 1 || patchOps(t, resp)[0].Path != "/spec/storageClassName" || patchOps(t, resp)[0].Value != "sealed" {
		t.Fatalf("patch %+v", patchOps(t, resp))
	}
	if got := applyPatch(t, req.Object.Raw, patchOps(t, resp)); !strings.Contains(got, `"futureField":"keep"`) {
		t.Errorf("the patch lost a field pave does not know: %s", got)
	}
	if resp := m.Handle(context.Background(), update(t, "", pvc, pvc)); !resp.Allowed || len(patchOps(t, resp)) > 0 {
		t.Errorf("an update was patched: %+v", patchOps(t, resp))
	}
	onPlain := strings.Replace(pvc, "spec: {", "spec: {storageClassName: plain, ", 1)
	resp = v.Handle(context.Background(), request(t, admissionv1.Create, "shop", onPlain))
	if resp.Allowed || !strings.Contains(resp.Result.Message, "[encrypted-volumes] spec.storageClassName") || !strings.Contains(resp.Result.Message, "sealed") {
		t.Fatalf("allowed=%v %+v", resp.Allowed, resp.Result)
	}
	onSealed := strings.Replace(pvc, "spec: {", "spec: {storageClassName: sealed, ", 1)
	if resp := v.Handle(context.Background(), request(t, admissionv1.Create, "shop", onSealed)); !resp.Allowed {
		t.Fatalf("a claim on the encrypting class was denied: %s", resp.Result.Message)
	}
}

// A PodDisruptionBudget that leaves unhealthyPodEvictionPolicy open is given
// AlwaysAllow at its creation and again at an update that drops it, with a
// patch of that field alone; one that names a policy is left as it is.
func TestBudgetsLetDrainsEvictPodsThatAreNotReady(t *testing.T) {
	m, _ := handlers(t)
	pdb := "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\nspec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}, futureField: keep}\n"
	req := request(t, admissionv1.Create, "shop", pdb)
	resp := m.Handle(context.Background(), req)
	if ops := patchOps(t, resp); !resp.Allowed || len(ops) != 1 || ops[0].Path != "/spec/unhealthyPodEvictionPolicy" || ops[0].Value != "AlwaysAllow" {
		t.Fatalf("creation: allowed=%v patch %+v", resp.Allowed, ops)
	}
	if got := applyPatch(t, req.Object.Raw, patchOps(t, resp)); !strings.Contains(got, `"futureField":"keep"`) {
		t.Errorf("the patch lost a field pave does not know: %s", got)
	}
	completed := strings.Replace(pdb, "spec: {", "spec: {unhealthyPodEvictionPolicy: AlwaysAllow, ", 1)
	if ops := patchOps(t, m.Handle(context.Background(), update(t, "", completed, pdb))); len(ops) != 1 || ops[0].Value != "AlwaysAllow" {
		t.Errorf("an update that dropped the policy: patch %+v", ops)
	}
	for _, chosen := range []string{"IfHealthyBudget", "AlwaysAllow"} {
		doc := strings.Replace(pdb, "spec: {", "spec: {unhealthyPodEvictionPolicy: "+chosen+", ", 1)
		for _, req := range []admission.Request{request(t, admissionv1.Create, "shop", doc), update(t, "", doc, doc)} {
			if resp := m.Handle(context.Background(), req); !resp.Allowed || len(patchOps(t, resp)) > 0 {
				t.Errorf("%s, %s: allowed=%v patch %+v", chosen, req.Operation, resp.Allowed, patchOps(t, resp))
			}
		}
	}
}
