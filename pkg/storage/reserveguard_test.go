package storage_test

import (
	"context"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/admissionpolicy/evaluate"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/storage"
)

// Which updates of a PersistentVolume bind it to a claim it was not
// reserved for, judged as the API server would (e2e
// TestTeamMemberCannotTakeAVolume): the control plane's binding of a
// volume that had no claimRef to a governed namespace's claim is refused,
// whoever the control plane runs as; a volume made for its claim, one the
// platform reserved, a shared one and a claim of a namespace pave leaves
// alone are bound as before.
func TestReserveGuardKeepsUnreservedVolumesFromTeams(t *testing.T) {
	objs, err := storage.ReserveGuard{Install: v1alpha1.Install{PaveNamespace: "pave-system", Excluded: []string{"batch"}}}.GenerateCluster(context.Background(), policy.Default())
	if err != nil || len(objs) != 2 {
		t.Fatalf("%d objects, %v", len(objs), err)
	}
	vap := objs[0].(*admissionregistrationv1.ValidatingAdmissionPolicy)
	// ref is the volume's claimRef: "" for none, namespace/name as the
	// platform team reserves a volume, and with "@uid" as the control plane
	// binds one.
	volume := func(ref string, labels map[string]any) map[string]any {
		spec := map[string]any{"capacity": map[string]any{"storage": "1Gi"}, "storageClassName": "encrypted"}
		if ns, name, ok := strings.Cut(ref, "/"); ok {
			claimRef := map[string]any{"kind": "PersistentVolumeClaim", "namespace": ns, "name": name}
			if name, uid, ok := strings.Cut(name, "@"); ok {
				claimRef["name"], claimRef["uid"] = name, uid
			}
			spec["claimRef"] = claimRef
		}
		meta := map[string]any{"name": "pv-orders"}
		if labels != nil {
			meta["labels"] = labels
		}
		return map[string]any{"metadata": meta, "spec": spec}
	}
	binder := []string{"system:serviceaccounts", "system:serviceaccounts:kube-system"}
	for _, c := range []struct {
		name     string
		user     string
		groups   []string
		old, new string // the volume's claimRef before and after; "" for none
		labels   map[string]any
		refused  bool
	}{
		{"the PV controller binds an unreserved volume to a team's claim", "system:serviceaccount:kube-system:persistent-volume-binder", binder, "", "shop/data@u-1", nil, true},
		{"the controller manager binds it", "system:kube-controller-manager", []string{"system:authenticated"}, "", "shop/data@u-1", nil, true},
		{"a controller manager run as system:masters binds it", "system:kube-controller-manager", []string{"system:masters"}, "", "shop/data@u-1", nil, true},
		{"the scheduler binds it", "system:kube-scheduler", []string{"system:authenticated"}, "", "shop/data@u-1", nil, true},
		{"the platform team reserves a volume", "admin", []string{"system:masters"}, "", "shop/data", nil, false},
		{"the PV controller binds a reserved volume", "system:serviceaccount:kube-system:persistent-volume-binder", binder, "shop/data", "shop/data@u-1", nil, false},
		{"the PV controller binds a shared volume", "system:serviceaccount:kube-system:persistent-volume-binder", binder, "", "shop/data@u-1", map[string]any{v1alpha1.LabelSharedVolume: "true"}, false},
		{"a volume labelled shared other than true", "system:serviceaccount:kube-system:persistent-volume-binder", binder, "", "shop/data@u-1", map[string]any{v1alpha1.LabelSharedVolume: "yes"}, true},
		{"a claim of kube-system", "system:serviceaccount:kube-system:persistent-volume-binder", binder, "", "kube-system/data@u-1", nil, false},
		{"a claim of an excluded namespace", "system:serviceaccount:kube-system:persistent-volume-binder", binder, "", "batch/data@u-1", nil, false},
		{"the PV controller releases a volume", "system:serviceaccount:kube-system:persistent-volume-binder", binder, "shop/data@u-1", "", nil, false},
		{"an update of an unreserved volume", "admin", []string{"system:authenticated"}, "", "", map[string]any{"tier": "gold"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := evaluate.Request{Resource: schema.GroupVersionResource{Version: "v1", Resource: "persistentvolumes"}, Operation: "UPDATE",
				Username: c.user, Groups: c.groups, Object: volume(c.new, c.labels), OldObject: volume(c.old, c.labels)}
			matched, failed, err := evaluate.Policy(vap, req)
			if err != nil || !matched {
				t.Fatalf("matched %v: %v", matched, err)
			}
			if c.refused != (len(failed) > 0) {
				t.Fatalf("refused %v, want %v: %q", len(failed) > 0, c.refused, failed)
			}
			if c.refused && !strings.Contains(failed[0], "PersistentVolume pv-orders is reserved for no claim, so it is not bound to PersistentVolumeClaim shop/data: the control plane binds a claim to any Available volume of its class that fits it") ||
				c.refused && !strings.Contains(failed[0], "setting its spec.claimRef (namespace and name)") {
				t.Errorf("message: %q", failed[0])
			}
		})
	}
	// A volume made for its claim is created with its claimRef: the guard
	// matches updates only.
	req := evaluate.Request{Resource: schema.GroupVersionResource{Version: "v1", Resource: "persistentvolumes"}, Operation: "CREATE",
		Username: "system:serviceaccount:kube-system:ebs-csi-controller", Groups: binder, Object: volume("shop/data@u-1", nil)}
	if matched, _, err := evaluate.Policy(vap, req); err != nil || matched {
		t.Errorf("a volume created for its claim: matched %v, %v", matched, err)
	}
}
