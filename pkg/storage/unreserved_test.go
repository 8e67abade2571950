package storage_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	volumehelpers "k8s.io/component-helpers/storage/volume"
	"sigs.k8s.io/yaml"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/storage"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func volume(name, class, size string, labels map[string]string) corev1.PersistentVolume {
	return corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: corev1.PersistentVolumeSpec{StorageClassName: class, Capacity: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(size)},
			AccessModes:            []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/data/" + name}}},
		Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeAvailable}}
}

// A claim that an unreserved volume fits is warned of, with the volume the
// PV controller would pick (the smallest that fits) and the size past every
// such volume of its class; a claim none fits, of another class, naming its
// volume or selecting other labels is not.
func TestUnreservedVolumeWarnsOfAClaimThatWouldWait(t *testing.T) {
	env := workloadtest.Env()
	env.UnreservedVolumes = []corev1.PersistentVolume{
		volume("big", "gp3", "50Gi", nil), volume("orders-data", "gp3", "10Gi", map[string]string{"for": "orders"}), volume("slow", "sc1", "1Ti", nil)}
	claim := func(spec string) *corev1.PersistentVolumeClaim {
		var pvc corev1.PersistentVolumeClaim
		if err := yaml.Unmarshal([]byte("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: shop}\nspec: "+spec), &pvc); err != nil {
			t.Fatal(err)
		}
		return &pvc
	}
	for _, c := range []struct {
		name, spec, volume string
	}{
		{"fits the smaller", "{storageClassName: gp3, accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}", "orders-data"},
		{"fits the larger alone", "{storageClassName: gp3, accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}", "big"},
		{"fits none", "{storageClassName: gp3, accessModes: [ReadWriteOnce], resources: {requests: {storage: 60Gi}}}", ""},
		{"another class", "{storageClassName: io2, accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}", ""},
		{"names its volume", "{storageClassName: gp3, volumeName: pv-mine, accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}", ""},
		{"selects other labels", "{storageClassName: gp3, selector: {matchLabels: {for: pay}}, accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}", ""},
		{"selects the volume's", "{storageClassName: gp3, selector: {matchLabels: {for: orders}}, accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}", "orders-data"},
		{"a block claim", "{storageClassName: gp3, volumeMode: Block, accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			vs := storage.UnreservedVolume{}.ValidateObject(context.Background(), claim(c.spec), env)
			if c.volume == "" {
				if len(vs) > 0 {
					t.Fatalf("warned: %+v", vs)
				}
				return
			}
			if len(vs) != 1 || vs[0].Field != "spec.resources.requests.storage" || vs[0].Outcome() != policy.OutcomeWarn {
				t.Fatalf("findings %+v", vs)
			}
			for _, want := range []string{`PersistentVolumeClaim "data" would be bound to PersistentVolume ` + c.volume, "reserved for no claim", "pave-reserved-volumes", "waits"} {
				if !strings.Contains(vs[0].Message, want) {
					t.Errorf("message lacks %q: %s", want, vs[0].Message)
				}
			}
			if !strings.Contains(vs[0].Fix, "reserve PersistentVolume "+c.volume) || !strings.Contains(vs[0].Fix, "more storage than 50Gi") {
				t.Errorf("fix: %s", vs[0].Fix)
			}
		})
	}
	if vs := (storage.UnreservedVolume{}).ValidateObject(context.Background(), claim(`{storageClassName: gp3, resources: {requests: {storage: 5Gi}}}`), workloadtest.Env()); len(vs) > 0 {
		t.Errorf("warned with no unreserved volume: %+v", vs)
	}

	// A StatefulSet's claim template is warned of at the template.
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {storageClassName: gp3, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
  template:
    spec:
      containers: [{name: db, image: x:1}]`)
	vs := storage.UnreservedVolume{}.Validate(context.Background(), w, env)
	if len(vs) != 1 || vs[0].Field != "spec.volumeClaimTemplates[0].spec.resources.requests.storage" ||
		!strings.Contains(vs[0].Message, "the claim at spec.volumeClaimTemplates[0] would be bound to PersistentVolume orders-data") {
		t.Fatalf("findings %+v", vs)
	}
}

// The cache keeps of a volume what Unreserved and the PV controller's
// matching read, so a claim finds the same volume in it.
func TestVolumeFitKeepsWhatMatchingReads(t *testing.T) {
	whole := []corev1.PersistentVolume{volume("orders-data", "gp3", "10Gi", map[string]string{"for": "orders", v1alpha1.LabelSharedVolume: "false"}), volume("big", "gp3", "50Gi", nil)}
	block := corev1.PersistentVolumeBlock
	whole[1].Spec.VolumeMode = &block
	whole[1].Spec.ClaimRef = &corev1.ObjectReference{Namespace: "shop", Name: "data"}
	var kept []*corev1.PersistentVolume
	for i := range whole {
		out, err := storage.VolumeFit(&whole[i])
		if err != nil {
			t.Fatal(err)
		}
		pv := out.(*corev1.PersistentVolume)
		if pv.Spec.HostPath != nil {
			t.Error("the cache keeps the volume's source")
		}
		if storage.Unreserved(pv) != storage.Unreserved(&whole[i]) {
			t.Errorf("%s: unreserved %v in the cache, %v whole", pv.Name, storage.Unreserved(pv), storage.Unreserved(&whole[i]))
		}
		kept = append(kept, pv)
	}
	for _, spec := range []corev1.PersistentVolumeClaimSpec{
		{StorageClassName: ptr("gp3"), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"for": "orders"}}, AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}}},
		{StorageClassName: ptr("gp3"), VolumeMode: &block, Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("20Gi")}}},
	} {
		claim := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "data"}, Spec: spec}
		fromWhole, err1 := volumehelpers.FindMatchingVolume(claim, []*corev1.PersistentVolume{&whole[0], &whole[1]}, nil, nil, false, true)
		fromKept, err2 := volumehelpers.FindMatchingVolume(claim, kept, nil, nil, false, true)
		if err1 != nil || err2 != nil || fromWhole == nil || fromKept == nil || fromWhole.Name != fromKept.Name {
			t.Errorf("whole %v (%v), kept %v (%v)", fromWhole, err1, fromKept, err2)
		}
	}
	if out, _ := storage.VolumeFit(&corev1.Pod{}); !reflect.DeepEqual(out, &corev1.Pod{}) {
		t.Errorf("a Pod: %v", out)
	}
}

func ptr[T any](v T) *T { return &v }
