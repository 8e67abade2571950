package webhook_test

import (
	"context"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

// What the API server refuses to change once an object exists is completed
// at creation only: on an update, a Job's template and a StatefulSet's claim
// templates are left as they are (an operation on them would make the API
// server refuse the whole update), and the rest is completed as before.
func TestUpdatesLeaveWhatIsFixedAtCreation(t *testing.T) {
	m, _ := handlersWithPolicy(t, "spec: {storage: {defaultClass: sealed, encryptedClasses: [sealed]}}")
	job := `apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: shop}
spec:
  template:
    metadata: {labels: {app: once}}
    spec:
      restartPolicy: Never
      containers: [{name: app, image: "nginx:1.27.3"}]
`
	sts := `apiVersion: apps/v1
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
	for _, c := range []struct {
		name, doc, fixed, free string
	}{
		{"Job", job, "/spec/template", "/metadata/labels"},
		{"StatefulSet", sts, "/spec/volumeClaimTemplates", "/spec/template"},
	} {
		paths := func(op admissionv1.Operation) (fixed, free bool) {
			for _, p := range patchOps(t, m.Handle(context.Background(), request(t, op, "shop", c.doc))) {
				fixed = fixed || strings.HasPrefix(p.Path, c.fixed)
				free = free || strings.HasPrefix(p.Path, c.free)
			}
			return fixed, free
		}
		if fixed, free := paths(admissionv1.Create); !fixed || !free {
			t.Errorf("%s created: patches %s %v, %s %v; want both completed", c.name, c.fixed, fixed, c.free, free)
		}
		if fixed, free := paths(admissionv1.Update); fixed || !free {
			t.Errorf("%s updated: patches %s %v, %s %v; want only %s", c.name, c.fixed, fixed, c.free, free, c.free)
		}
	}
}
