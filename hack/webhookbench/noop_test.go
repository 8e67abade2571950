package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// The patched floor sends pave's patch for a Deployment only: pave's patch
// for the ReplicaSet made from a mutated template is empty.
func TestPatchedAnswer(t *testing.T) {
	file := filepath.Join(t.TempDir(), patchFile(apiArm))
	patch := `[{"op":"add","path":"/metadata/labels/a","value":"b"}]`
	if err := os.WriteFile(file, []byte(patch), 0o600); err != nil {
		t.Fatal(err)
	}
	answer := patchedAnswer(file)
	review := func(kind string) admission.Response {
		return answer(context.Background(), admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{Kind: metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: kind}}})
	}
	if r := review("Deployment"); !r.Allowed || string(r.Patch) != patch || r.PatchType == nil || *r.PatchType != admissionv1.PatchTypeJSONPatch {
		t.Errorf("Deployment: allowed %v, patch %q, type %v; want pave's patch", r.Allowed, r.Patch, r.PatchType)
	}
	if r := review("ReplicaSet"); !r.Allowed || len(r.Patch) != 0 {
		t.Errorf("ReplicaSet: allowed %v, patch %q; want allowed without a patch", r.Allowed, r.Patch)
	}
	missing := patchedAnswer(filepath.Join(t.TempDir(), "none.json"))
	if r := missing(context.Background(), admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{Kind: metav1.GroupVersionKind{Kind: "Deployment"}}}); r.Allowed {
		t.Error("no patch file: allowed; want an error, not an answer without the patch")
	}
}
