package webhook_test

import (
	"encoding/json"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/webhook"
)

// Finding 6 of issue 7: a rejected policy never silently becomes the built-in
// one, not even after a restart, and the object says what is in force.
func TestDecideNeverFallsBackToTheBuiltInPolicy(t *testing.T) {
	good := &v1alpha1.PlatformPolicy{ObjectMeta: metav1.ObjectMeta{Name: "default", Generation: 2},
		Spec: v1alpha1.PlatformPolicySpec{Mesh: v1alpha1.MeshPolicy{Mode: v1alpha1.MeshIstio}}}
	// No PlatformPolicy at all: the built-in policy serves.
	d, err := webhook.Decide(nil, nil, companions.All(), policy.InUse{})
	if err != nil || d.InForce == nil || d.InForce.Spec != nil || d.Rejected != nil {
		t.Fatalf("no object: %+v, %v", d, err)
	}
	// A good policy is in force and is kept in the status.
	d, err = webhook.Decide(good, nil, companions.All(), policy.InUse{})
	if err != nil || d.InForce == nil || d.InForce.Generation != 2 || d.InForce.Engine.Policy().Spec.Mesh.Mode != v1alpha1.MeshIstio {
		t.Fatalf("good policy: %+v, %v", d, err)
	}
	assertReady(t, d.Status, metav1.ConditionTrue, webhook.ReasonInForce, "generation 2 is in force")
	if d.Status.LastAccepted == nil || d.Status.InForceGeneration != 2 {
		t.Fatalf("status does not keep the accepted spec: %+v", d.Status)
	}
	inForce := d.InForce

	bad := good.DeepCopy()
	bad.Generation = 3
	bad.Status = d.Status
	bad.Spec.Rules = []v1alpha1.RuleSetting{{ID: "no-such-rule", Mode: v1alpha1.ModeWarn}}

	// While running: the previous policy stays.
	d, _ = webhook.Decide(bad, inForce, companions.All(), policy.InUse{})
	if d.InForce != inForce || d.Rejected == nil {
		t.Fatalf("running: %+v", d)
	}
	assertReady(t, d.Status, metav1.ConditionFalse, webhook.ReasonRejected, "generation 2 stays in force")

	// After a restart: the last accepted spec from the status, not the built-in.
	d, _ = webhook.Decide(bad, nil, companions.All(), policy.InUse{})
	if d.InForce == nil || d.InForce.Generation != 2 || d.InForce.Engine.Policy().Spec.Mesh.Mode != v1alpha1.MeshIstio {
		t.Fatalf("restart: %+v", d.InForce)
	}
	assertReady(t, d.Status, metav1.ConditionFalse, webhook.ReasonRejected, `unknown rule "no-such-rule"`)

	// After a restart with nothing accepted before: no policy, refuse to serve.
	bad.Status = v1alpha1.PlatformPolicyStatus{}
	d, _ = webhook.Decide(bad, nil, companions.All(), policy.InUse{})
	if d.InForce != nil {
		t.Fatalf("served %s with no accepted policy", d.InForce.Describe())
	}
	assertReady(t, d.Status, metav1.ConditionFalse, webhook.ReasonNoPolicyInForce, "refuses admission")
}

func assertReady(t *testing.T, s v1alpha1.PlatformPolicyStatus, status metav1.ConditionStatus, reason, message string) {
	t.Helper()
	c := meta.FindStatusCondition(s.Conditions, webhook.ConditionReady)
	if c == nil || c.Status != status || c.Reason != reason || !strings.Contains(c.Message, message) {
		t.Fatalf("Ready condition %+v, want %s %s containing %q", c, status, reason, message)
	}
}

// A spec that leaves out a zone namespaces are in would deny every new Pod
// there: it does not replace the policy in force, at a change or after a
// restart, and is in force once no namespace is in the zone.
func TestDecideKeepsAZoneNamespacesAreIn(t *testing.T) {
	builtIn, err := webhook.Decide(nil, nil, companions.All(), policy.InUse{})
	if err != nil {
		t.Fatal(err)
	}
	renamed := &v1alpha1.PlatformPolicy{ObjectMeta: metav1.ObjectMeta{Name: "default", Generation: 1},
		Spec: v1alpha1.PlatformPolicySpec{Zones: v1alpha1.ZonePolicy{Names: []string{"public", "private", "restricted"}, DefaultZone: "private"}}}
	inUse := policy.InUse{Zones: map[string][]string{"internal": {"legacy"}}}

	d, _ := webhook.Decide(renamed, builtIn.InForce, companions.All(), inUse)
	if d.InForce != builtIn.InForce || d.Rejected == nil {
		t.Fatalf("the renaming replaced the policy in force: %+v", d)
	}
	assertReady(t, d.Status, metav1.ConditionFalse, webhook.ReasonRejected, `leaves out zone "internal", the pave.dev/zone label of namespace legacy`)

	// Nothing accepted before and nothing running: nothing to keep.
	if d, _ = webhook.Decide(renamed, nil, companions.All(), inUse); d.InForce == nil || d.InForce.Generation != 1 {
		t.Fatalf("first policy: %+v", d)
	}
	accepted := d.Status

	// The namespace relabelled: the renaming is in force.
	d, _ = webhook.Decide(renamed, builtIn.InForce, companions.All(), policy.InUse{Zones: map[string][]string{"private": {"legacy"}}})
	if d.InForce == nil || d.InForce.Generation != 1 || d.Rejected != nil {
		t.Fatalf("relabelled: %+v", d)
	}

	// After a restart, a later spec that leaves out a zone of the accepted one.
	back := renamed.DeepCopy()
	back.Generation, back.Status = 2, accepted
	back.Spec.Zones = v1alpha1.ZonePolicy{Names: []string{"public", "restricted"}, DefaultZone: "public"}
	d, _ = webhook.Decide(back, nil, companions.All(), policy.InUse{Zones: map[string][]string{"private": {"legacy"}}})
	if d.InForce == nil || d.InForce.Generation != 1 || d.Rejected == nil {
		t.Fatalf("restart: %+v", d)
	}
}

// A spec an earlier version of pave accepted, which this one refuses (a
// check added since), stays in force at a restart, the status saying so:
// refusing it would leave pave with no policy, and every admission refused.
// A new generation is judged by this version's checks.
func TestDecideKeepsASpecAnEarlierPaveAccepted(t *testing.T) {
	spec := v1alpha1.PlatformPolicySpec{Mesh: v1alpha1.MeshPolicy{Mode: v1alpha1.MeshIstio,
		Traffic: v1alpha1.TrafficPolicy{Retries: v1alpha1.RetryPolicy{RetryOn: "5xx,sometimes"}}}}
	raw, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	old := &v1alpha1.PlatformPolicy{ObjectMeta: metav1.ObjectMeta{Name: "default", Generation: 4}, Spec: spec,
		Status: v1alpha1.PlatformPolicyStatus{InForceGeneration: 4, LastAccepted: &runtime.RawExtension{Raw: raw}}}
	d, err := webhook.Decide(old, nil, companions.All(), policy.InUse{})
	if err != nil || d.InForce == nil || d.InForce.Generation != 4 || d.InForce.Refused == nil || d.InForce.Engine.Policy().Spec.Mesh.Mode != v1alpha1.MeshIstio {
		t.Fatalf("restart after an upgrade: %+v, %v", d.InForce, err)
	}
	assertReady(t, d.Status, metav1.ConditionFalse, webhook.ReasonRejected, `"sometimes" is not a retry condition Istio takes`)
	assertReady(t, d.Status, metav1.ConditionFalse, webhook.ReasonRejected, "generation 4, accepted by an earlier version of pave, stays in force")

	// Decided again (a namespace relabelled): still in force, still said.
	again, _ := webhook.Decide(old, d.InForce, companions.All(), policy.InUse{})
	if again.InForce != d.InForce {
		t.Fatalf("decided again: %+v", again.InForce)
	}
	assertReady(t, again.Status, metav1.ConditionFalse, webhook.ReasonRejected, "accepted by an earlier version of pave")

	// Its next generation, still refused, leaves it in force; a fixed one is taken.
	next := old.DeepCopy()
	next.Generation = 5
	d5, _ := webhook.Decide(next, d.InForce, companions.All(), policy.InUse{})
	if d5.InForce != d.InForce || d5.Rejected == nil {
		t.Fatalf("generation 5, still refused: %+v", d5)
	}
	next.Generation, next.Spec.Mesh.Traffic.Retries.RetryOn = 6, "5xx"
	d6, _ := webhook.Decide(next, d.InForce, companions.All(), policy.InUse{})
	if d6.InForce == nil || d6.InForce.Generation != 6 || d6.InForce.Refused != nil {
		t.Fatalf("generation 6, fixed: %+v", d6.InForce)
	}
	assertReady(t, d6.Status, metav1.ConditionTrue, webhook.ReasonInForce, "generation 6 is in force")
}
