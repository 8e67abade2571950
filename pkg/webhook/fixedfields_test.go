package webhook_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// What the API server fixes at creation (a Job's pod template, a
// StatefulSet's claim templates) is completed at creation, and on an update
// only given back as stored: an update under a policy that would complete it
// otherwise (a new proxy, a default class) leaves it as it is, where the
// API server would refuse the whole update; an update that arrives without
// what pave added at creation (a server-side apply drops the fields its
// manager no longer sends) gets it back, where the API server would refuse
// the update without it. The rest of the object is completed as before.
func TestUpdatesGiveBackWhatIsFixedAtCreation(t *testing.T) {
	const job = `apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: shop}
spec:
  template:
    metadata: {labels: {app: once}}
    spec:
      restartPolicy: Never
      containers: [{name: app, image: "nginx:1.27.3"}]
`
	const sts = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: "nginx:1.27.3"}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`
	before := "spec: {mesh: {mode: istio}, storage: {defaultClass: sealed, encryptedClasses: [sealed]}}"
	after := "spec: {mesh: {mode: istio, sidecar: {container: {name: istio-proxy, image: 'docker.io/istio/proxyv2:1.99.0'}}}, storage: {defaultClass: other, encryptedClasses: [other]}}"
	for _, c := range []struct{ doc, fixed, free string }{
		{job, "/spec/template", "/metadata/labels"},
		{sts, "/spec/volumeClaimTemplates", "/spec/template"},
	} {
		created, _ := handlersWithPolicy(t, before)
		stored := patched(t, request(t, admissionv1.Create, "shop", c.doc), created)
		update := func(m admission.Handler, sent []byte) []string {
			req := request(t, admissionv1.Update, "shop", c.doc)
			req.Object.Raw, req.OldObject.Raw = sent, stored
			var paths []string
			for _, op := range patchOps(t, m.Handle(context.Background(), req)) {
				paths = append(paths, op.Path)
			}
			return paths
		}
		under := func(paths []string, prefix string) bool {
			for _, p := range paths {
				if strings.HasPrefix(p, prefix) {
					return true
				}
			}
			return false
		}
		kind := strings.Fields(strings.Split(c.doc, "kind: ")[1])[0]

		// A label added to the stored object, under a policy that changed.
		changed, _ := handlersWithPolicy(t, after)
		labelled := withLabel(t, stored)
		if paths := update(changed, labelled); under(paths, c.fixed) {
			t.Errorf("%s updated under a changed policy: patches %v, none under %s", kind, paths, c.fixed)
		}
		// The team's manifest sent again, under the same policy.
		same, _ := handlersWithPolicy(t, before)
		sent := request(t, admissionv1.Update, "shop", c.doc).Object.Raw
		if paths := update(same, sent); !under(paths, c.fixed) || !under(paths, c.free) {
			t.Errorf("%s sent without what pave added: patches %v, want %s given back and %s completed", kind, paths, c.fixed, c.free)
		}
		req := request(t, admissionv1.Update, "shop", c.doc)
		req.OldObject.Raw = stored
		if got, want := at(t, patched(t, req, same), c.fixed), at(t, stored, c.fixed); !equalJSON(got, want) {
			t.Errorf("%s sent without what pave added: %s is\n%v\nnot as stored\n%v", kind, c.fixed, got, want)
		}
	}
}

// patched is req's object with the mutating webhook's answer applied.
func patched(t *testing.T, req admission.Request, m admission.Handler) []byte {
	t.Helper()
	return []byte(applyPatch(t, req.Object.Raw, patchOps(t, m.Handle(context.Background(), req))))
}

func withLabel(t *testing.T, raw []byte) []byte {
	t.Helper()
	var u unstructured.Unstructured
	if err := u.UnmarshalJSON(raw); err != nil {
		t.Fatal(err)
	}
	l := u.GetLabels()
	l["owner"] = "payments"
	u.SetLabels(l)
	out, _ := u.MarshalJSON()
	return out
}

func at(t *testing.T, raw []byte, path string) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	v, _, _ := unstructured.NestedFieldNoCopy(m, strings.Split(strings.TrimPrefix(path, "/"), "/")...)
	return v
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
