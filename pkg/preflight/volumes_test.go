package preflight_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/preflight"
)

// The volumes the control plane would bind to any namespace's claim are
// named, with the commands that reserve or share them: Available, reserved
// for no claim, not shared, of a class a team's claim may use.
func TestUnreservedVolumesAreNamed(t *testing.T) {
	pv := func(name, class string, phase corev1.PersistentVolumePhase, claim string, labels map[string]string) corev1.PersistentVolume {
		v := corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
			Spec:   corev1.PersistentVolumeSpec{StorageClassName: class, Capacity: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")}},
			Status: corev1.PersistentVolumeStatus{Phase: phase}}
		if claim != "" {
			v.Spec.ClaimRef = &corev1.ObjectReference{Namespace: "shop", Name: claim}
		}
		return v
	}
	c := preflight.Cluster{
		StorageClasses: []storagev1.StorageClass{sc("gp3", true, true), sc("gp2", false, false)},
		Volumes: []corev1.PersistentVolume{
			pv("orders-data", "gp3", corev1.VolumeAvailable, "", nil),
			pv("reserved", "gp3", corev1.VolumeAvailable, "data", nil),
			pv("bound", "gp3", corev1.VolumeBound, "data", nil),
			pv("released", "gp3", corev1.VolumeReleased, "old", nil),
			pv("pool-1", "gp3", corev1.VolumeAvailable, "", map[string]string{v1alpha1.LabelSharedVolume: "true"}),
			pv("plain", "gp2", corev1.VolumeAvailable, "", nil), // no team's claim may use gp2
		},
	}
	found, err := preflight.Run(context.Background(), policy.Default(), c)
	if err != nil {
		t.Fatal(err)
	}
	named := ofCheck(found, "storage-unreserved-volume")
	if len(named) != 1 || named[0].Subject != "PersistentVolume orders-data" || named[0].Severity != "medium" {
		t.Fatalf("named %+v, want orders-data alone", named)
	}
	for _, want := range []string{"class gp3, 10Gi", "reserved for no claim", "pave-reserved-volumes", "waits"} {
		if !strings.Contains(named[0].Message, want) {
			t.Errorf("message lacks %q: %s", want, named[0].Message)
		}
	}
	if !strings.Contains(named[0].Fix, `kubectl patch pv orders-data --type=merge -p '{"spec":{"claimRef":{"namespace":"<namespace>","name":"<claim>"}}}'`) ||
		!strings.Contains(named[0].Fix, "kubectl label pv orders-data pave.dev/shared-volume=true") {
		t.Errorf("fix: %s", named[0].Fix)
	}
	if !preflight.Failed(found) || slices.Contains(checks(found), "storage-default-class") {
		t.Errorf("findings %v", checks(found))
	}
}
