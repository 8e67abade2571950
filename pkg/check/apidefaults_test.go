package check_test

import (
	"slices"
	"testing"
)

// A Pod that sets limits and no requests is stored with its limits as
// requests, before admission: pave check completes it as admission does,
// without giving it the policy's default requests. A template is not
// defaulted so, and gets them.
func TestCheckJudgesPodsAsTheAPIServerDefaultsThem(t *testing.T) {
	rep := run(t, `apiVersion: v1
kind: Pod
metadata: {name: limited}
spec:
  containers:
  - name: app
    image: registry.example.com/app:1.0.0
    resources: {limits: {cpu: "2", memory: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: limited}
spec:
  selector: {matchLabels: {app: limited}}
  template:
    metadata: {labels: {app: limited}}
    spec:
      containers:
      - name: app
        image: registry.example.com/app:1.0.0
        resources: {limits: {cpu: "2", memory: 1Gi}}
`)
	if len(rep.Objects) != 2 {
		t.Fatalf("%d objects", len(rep.Objects))
	}
	if pod := rep.Objects[0]; slices.Contains(pod.Mutators, "resources") {
		t.Errorf("the Pod's requests were completed by pave (mutators %v): the API server makes them its limits first", pod.Mutators)
	}
	if d := rep.Objects[1]; !slices.Contains(d.Mutators, "resources") {
		t.Errorf("the Deployment's template got no default requests (mutators %v)", d.Mutators)
	}
}

// A volume without a source is an emptyDir to the API server, and to the
// restricted standard then.
func TestCheckReadsAVolumeWithoutSourceAsAnEmptyDir(t *testing.T) {
	rep := run(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: scratch}
spec:
  selector: {matchLabels: {app: scratch}}
  template:
    metadata: {labels: {app: scratch}}
    spec:
      volumes: [{name: scratch}]
      containers:
      - name: app
        image: registry.example.com/app:1.0.0
        volumeMounts: [{name: scratch, mountPath: /scratch}]
`)
	if r := rules(rep.Objects[0]); slices.Contains(r, "pss/restrictedVolumes") {
		t.Errorf("a volume without a source is judged a restricted volume: %v", r)
	}
}
