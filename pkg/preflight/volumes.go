package preflight

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/storage"
)

// unreservedVolumeFindings names the volumes the control plane would bind
// to the first claim of their class that they fit, in any namespace:
// Available, reserved for no claim, not labelled shared. Only the classes
// that encrypt are named, as pave refuses claims of the others. pave
// refuses such a binding in the namespaces it governs (pave-reserved-volumes),
// so while the volume is there a team's claim it fits waits.
func unreservedVolumeFindings(env policy.Env, volumes []corev1.PersistentVolume) []Finding {
	var out []Finding
	for _, pv := range volumes {
		if !storage.Unreserved(&pv) {
			continue
		}
		if ok, _ := storage.ClassEncrypts(pv.Spec.StorageClassName, env); !ok {
			continue
		}
		size := pv.Spec.Capacity[corev1.ResourceStorage]
		out = append(out, Finding{Check: "storage-unreserved-volume", Severity: "medium", Subject: "PersistentVolume " + pv.Name,
			Message: fmt.Sprintf("the volume (class %s, %s) is Available and reserved for no claim: the control plane binds it to the first claim of its class it fits, "+
				"in any namespace, before it provisions one, with whatever data it holds; pave refuses that binding in the namespaces it governs (%s), so such a claim waits while the volume is there",
				pv.Spec.StorageClassName, size.String(), storage.ReserveGuardName),
			Fix: fmt.Sprintf(`reserve it for the claim it is for: kubectl patch pv %s --type=merge -p '{"spec":{"claimRef":{"namespace":"<namespace>","name":"<claim>"}}}'; or, if it is an empty volume any team may take: kubectl label pv %s %s=true`,
				pv.Name, pv.Name, v1alpha1.LabelSharedVolume)})
	}
	return out
}
