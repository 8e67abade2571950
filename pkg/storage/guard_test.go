package storage_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/storage"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// Who may bind a claim to a volume by name, judged as the API server would
// (e2e TestTeamMemberCannotTakeAVolume): not a team member; the PV
// controller, which binds claims by setting the field; Velero restoring
// one; the platform team. A claim keeping its volume passes, so a bound
// claim stays editable.
func TestGuardKeepsTeamsFromChoosingAVolume(t *testing.T) {
	p := policy.Default()
	objs, err := storage.Guard{Install: v1alpha1.Install{PaveNamespace: "pave-system"}}.GenerateCluster(context.Background(), p)
	if err != nil || len(objs) != 2 {
		t.Fatalf("%d objects, %v", len(objs), err)
	}
	vap := objs[0].(*admissionregistrationv1.ValidatingAdmissionPolicy)
	claim := func(volume string) map[string]any {
		spec := map[string]any{"accessModes": []any{"ReadWriteOnce"}}
		if volume != "" {
			spec["volumeName"] = volume
		}
		return map[string]any{"metadata": map[string]any{"name": "data", "namespace": "shop"}, "spec": spec}
	}
	team := []string{"system:authenticated"}
	for _, c := range []struct {
		name      string
		user      string
		groups    []string
		old, new  string // the claim's spec.volumeName before (UPDATE) and after; old "-": a CREATE
		namespace string
		refused   bool
	}{
		{"a team member names a volume", "dev", team, "-", "pv-of-orders", "shop", true},
		{"a team member binds a pending claim", "dev", team, "", "pv-of-orders", "shop", true},
		{"a team member moves a bound claim", "dev", team, "pv-a", "pv-b", "shop", true},
		{"a team member's claim without a volume", "dev", team, "-", "", "shop", false},
		{"a team member edits a bound claim", "dev", team, "pv-a", "pv-a", "shop", false},
		{"the PV controller binds it", "system:serviceaccount:kube-system:persistent-volume-binder", []string{"system:serviceaccounts", "system:serviceaccounts:kube-system"}, "", "pv-a", "shop", false},
		{"the controller manager binds it", "system:kube-controller-manager", []string{"system:authenticated"}, "", "pv-a", "shop", false},
		{"Velero restores it", "system:serviceaccount:velero:velero", []string{"system:serviceaccounts", "system:serviceaccounts:velero"}, "-", "pv-a", "shop", false},
		{"the platform team binds it", "admin", []string{"system:masters"}, "-", "pv-a", "shop", false},
		{"in kube-system", "dev", team, "-", "pv-a", "kube-system", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := evaluate.Request{Resource: schema.GroupVersionResource{Version: "v1", Resource: "persistentvolumeclaims"}, Operation: "CREATE",
				Namespace: c.namespace, Username: c.user, Groups: c.groups, Object: claim(c.new)}
			if c.old != "-" {
				req.Operation, req.OldObject = "UPDATE", claim(c.old)
			}
			matched, failed, err := evaluate.Policy(vap, req)
			if err != nil {
				t.Fatal(err)
			}
			if c.namespace == "kube-system" {
				if matched {
					t.Error("the guard matched a namespace pave does not govern")
				}
				return
			}
			if c.refused != (len(failed) > 0) {
				t.Fatalf("refused %v, want %v: %q", len(failed) > 0, c.refused, failed)
			}
			if c.refused && !strings.Contains(failed[0], "PersistentVolumeClaim data names PersistentVolume "+c.new+" (spec.volumeName): a volume chosen by name may be one provisioned for another namespace") {
				t.Errorf("message: %q", failed[0])
			}
		})
	}
}

// A claim template that names a volume is denied at the template: its
// claims are written by a controller the guard trusts.
func TestTemplatesNameNoVolume(t *testing.T) {
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  selector: {matchLabels: {app: db}}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
  - metadata: {name: stolen}
    spec: {volumeName: pv-of-orders, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
  template:
    spec:
      containers: [{name: db, image: x:1}]
      volumes:
      - name: scratch
        ephemeral: {volumeClaimTemplate: {spec: {volumeName: pv-b, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}}`)
	vs := storage.VolumeNames{}.Validate(context.Background(), w, workloadtest.Env())
	var fields []string
	for _, v := range vs {
		fields = append(fields, v.Field)
	}
	want := []string{"spec.volumeClaimTemplates[1].spec.volumeName", "spec.template.spec.volumes[0].ephemeral.volumeClaimTemplate.spec.volumeName"}
	if !slices.Equal(fields, want) {
		t.Fatalf("findings at %v, want %v", fields, want)
	}
	if !strings.Contains(vs[0].Message, `names PersistentVolume "pv-of-orders": a volume chosen by name may be one provisioned for another namespace`) || vs[0].Outcome() != policy.OutcomeDeny {
		t.Errorf("%+v", vs[0])
	}
}
