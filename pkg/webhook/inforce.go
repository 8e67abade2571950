package webhook

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
)

// InForce is the policy pave enforces and where it came from.
type InForce struct {
	Engine *engine.Engine
	// Generation is the PlatformPolicy generation it was compiled from; 0 for
	// the built-in policy.
	Generation int64
	// Spec is that generation's spec (nil for the built-in policy).
	Spec *v1alpha1.PlatformPolicySpec
	// Refused is why this version of pave would refuse the spec, which an
	// earlier one accepted: it stays in force until a new generation is
	// accepted (nil: accepted by this version).
	Refused error
}

// Describe names the policy for messages.
func (f *InForce) Describe() string {
	if f.Spec == nil {
		return "the built-in policy"
	}
	if f.Refused != nil {
		return fmt.Sprintf("generation %d, accepted by an earlier version of pave,", f.Generation)
	}
	return fmt.Sprintf("generation %d", f.Generation)
}

// Decision is what reading the stored PlatformPolicy decides.
type Decision struct {
	// InForce is the policy to enforce; nil means none can be, and pave must
	// refuse to serve rather than fall back to the built-in policy (mesh off,
	// opt-outs allowed) that the platform team never chose.
	InForce *InForce
	// Status is the PlatformPolicy's status to write (unused without one).
	Status v1alpha1.PlatformPolicyStatus
	// Rejected is why the stored spec was rejected, or nil.
	Rejected error
}

// Condition type and reasons of PlatformPolicy status.
const (
	ConditionReady        = "Ready"
	ReasonInForce         = "InForce"
	ReasonRejected        = "Rejected"
	ReasonNoPolicyInForce = "NoPolicyInForce"
)

// Decide chooses the policy to enforce from the stored PlatformPolicy (nil when
// there is none) and the one in force now (nil at start). A spec that does not
// compile never replaces what is in force; at start, the last accepted spec
// kept in the object's status serves instead. Nor does one that leaves out a
// zone or a tier the policy it would replace names and namespaces are in
// (inUse: each zone and tier label's value and the namespaces that carry it;
// empty, unchecked).
// The built-in policy serves only when no PlatformPolicy exists. Engines are
// built with the given companions (none in an admission-only server).
func Decide(obj *v1alpha1.PlatformPolicy, current *InForce, c engine.Companions, inUse policy.InUse) (Decision, error) {
	if obj == nil {
		eng, err := engine.Default(policy.Default(), c)
		if err != nil {
			return Decision{}, fmt.Errorf("built-in policy: %w", err)
		}
		return Decision{InForce: &InForce{Engine: eng}}, nil
	}
	status := *obj.Status.DeepCopy()
	if current != nil && current.Spec != nil && current.Generation == obj.Generation {
		// The generation in force, decided again (its status written, a
		// namespace relabelled): kept, not compiled again, so nothing resyncs.
		if current.Refused != nil {
			return rejected(obj, status, current, current.Refused), nil
		}
		return accept(obj, status, current)
	}
	eng, err := compile(obj.Spec, c)
	// What the spec would replace: at start, the last accepted generation,
	// unless that is this one.
	previous := current
	if previous == nil && (err != nil || obj.Status.InForceGeneration != obj.Generation) {
		previous = lastAccepted(obj, c)
	}
	if err == nil && previous != nil {
		err = inUse.Keeps(eng.Policy().Spec, previous.Engine.Policy().Spec)
	}
	if err == nil {
		spec := obj.Spec
		return accept(obj, status, &InForce{Engine: eng, Generation: obj.Generation, Spec: &spec})
	}
	return rejected(obj, status, previous, err), nil
}

// rejected keeps previous (nil: none) in force, obj's generation rejected
// for err.
func rejected(obj *v1alpha1.PlatformPolicy, status v1alpha1.PlatformPolicyStatus, previous *InForce, err error) Decision {
	d := Decision{Rejected: err, InForce: previous}
	if d.InForce == nil {
		setReady(&status, obj.Generation, metav1.ConditionFalse, ReasonNoPolicyInForce,
			fmt.Sprintf("generation %d is rejected: %v. pave has no accepted policy to enforce and refuses admission until this is fixed", obj.Generation, err))
		d.Status = status
		return d
	}
	status.InForceGeneration = d.InForce.Generation
	setReady(&status, obj.Generation, metav1.ConditionFalse, ReasonRejected,
		fmt.Sprintf("generation %d is rejected: %v. %s stays in force", obj.Generation, err, d.InForce.Describe()))
	d.Status = status
	return d
}

// accept puts f, compiled from obj's generation, in force, and keeps that
// spec in the status.
func accept(obj *v1alpha1.PlatformPolicy, status v1alpha1.PlatformPolicyStatus, f *InForce) (Decision, error) {
	raw, err := json.Marshal(obj.Spec)
	if err != nil {
		return Decision{}, err
	}
	status.InForceGeneration, status.LastAccepted = obj.Generation, &runtime.RawExtension{Raw: raw}
	setReady(&status, obj.Generation, metav1.ConditionTrue, ReasonInForce, fmt.Sprintf("generation %d is in force", obj.Generation))
	return Decision{InForce: f, Status: status}, nil
}

func compile(spec v1alpha1.PlatformPolicySpec, c engine.Companions) (*engine.Engine, error) {
	p, err := policy.FromSpec(spec)
	if err != nil {
		return nil, err
	}
	return engine.Default(p, c)
}

// lastAccepted compiles the spec kept in the status, or returns nil. A spec
// an earlier version of pave accepted, and this one refuses (a check added
// since), is compiled without those checks and stays in force: refusing it
// at the restart of an upgrade would leave pave with no policy, and every
// admission in the namespaces it governs refused.
func lastAccepted(obj *v1alpha1.PlatformPolicy, c engine.Companions) *InForce {
	if obj.Status.LastAccepted == nil || obj.Status.InForceGeneration == 0 {
		return nil
	}
	spec, err := policy.DecodeSpec(obj.Status.LastAccepted.Raw)
	if err != nil {
		return nil
	}
	eng, refused := compile(spec, c)
	if refused != nil {
		p, err := policy.FromAcceptedSpec(spec)
		if err != nil {
			return nil
		}
		if eng, err = engine.DefaultAccepted(p, c); err != nil {
			return nil
		}
	}
	return &InForce{Engine: eng, Generation: obj.Status.InForceGeneration, Spec: &spec, Refused: refused}
}

func setReady(s *v1alpha1.PlatformPolicyStatus, generation int64, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(&s.Conditions, metav1.Condition{Type: ConditionReady, Status: status, Reason: reason,
		Message: message, ObservedGeneration: generation})
}
