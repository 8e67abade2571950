package policy

import (
	"fmt"
	"time"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// MinMeshDuration is the shortest duration Istio's VirtualService and
// DestinationRule take: their CRDs refuse one below it ("must be a valid
// duration greater than 1ms"), "0s" included, so a shorter one would leave
// every service without the routing objects pave writes for it. It is also
// their unit: istiod's validation refuses a duration that is not a whole
// number of milliseconds ("only durations to ms precision are supported").
const MinMeshDuration = time.Millisecond

// MeshDurationProblem is why Istio would refuse d in a VirtualService or
// DestinationRule, or "".
func MeshDurationProblem(d time.Duration) string {
	switch {
	case d < MinMeshDuration:
		return fmt.Sprintf("%s is below %s, the shortest duration Istio takes", d, MinMeshDuration)
	case d%MinMeshDuration != 0:
		return fmt.Sprintf("%s is not a whole number of milliseconds, and Istio takes no finer duration", d)
	}
	return ""
}

// validateTraffic refuses the traffic policy's durations Istio would refuse
// in every DestinationRule and VirtualService pave writes from them. Zero is
// none: pave leaves the field to Istio's default.
func validateTraffic(t v1alpha1.TrafficPolicy) error {
	for _, f := range []struct {
		path string
		d    *v1alpha1.Duration
		zero string // what 0s means
	}{
		{"timeout", t.Timeout, "no timeout"},
		{"maxTimeout", t.MaxTimeout, "no bound on pave.dev/timeout"},
		{"retries.perTryTimeout", t.Retries.PerTryTimeout, "no timeout per try"},
		{"outlierDetection.interval", t.OutlierDetection.Interval, "Istio's default"},
		{"outlierDetection.baseEjectionTime", t.OutlierDetection.BaseEjectionTime, "Istio's default"},
	} {
		if f.d == nil || f.d.Duration == 0 {
			continue
		}
		if why := MeshDurationProblem(f.d.Duration); why != "" {
			return fmt.Errorf("spec.mesh.traffic.%s: %s: write whole milliseconds, at least %s, or 0s for %s", f.path, why, MinMeshDuration, f.zero)
		}
	}
	return nil
}
