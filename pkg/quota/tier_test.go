package quota_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/quota"
)

func TestTierQuotaAndLimitRange(t *testing.T) {
	cases := []struct {
		labels map[string]string
		pods   string // the quota's pods, "" for no quota
	}{
		{map[string]string{v1alpha1.LabelTier: "small"}, "50"},
		{map[string]string{v1alpha1.LabelTier: "large"}, "1k"},
		{nil, "200"}, // the default tier, medium
		{map[string]string{v1alpha1.LabelTier: "huge"}, "200"}, // unknown: the default tier
	}
	for _, c := range cases {
		env := policy.Env{Policy: policy.Default(), Namespace: policy.Namespace{Name: "shop", Labels: c.labels}}
		objs, err := quota.Tier{}.GenerateNamespace(context.Background(), env)
		if err != nil || len(objs) != 2 {
			t.Fatalf("%v: %d objects, %v", c.labels, len(objs), err)
		}
		rq := objs[0].(*corev1.ResourceQuota)
		if got := rq.Spec.Hard.Pods().String(); got != c.pods || rq.Name != quota.ObjectName || rq.Namespace != "shop" {
			t.Errorf("%v: quota %s pods=%s", c.labels, rq.Name, got)
		}
		lr := objs[1].(*corev1.LimitRange).Spec.Limits[0]
		// The LimitRange's defaults are the policy's, so a pod pave never
		// completed gets the same; no cpu maximum, which would force cpu limits.
		if lr.DefaultRequest.Memory().String() != "128Mi" || lr.Default.Memory().String() != "256Mi" || !lr.Max.Cpu().IsZero() {
			t.Errorf("%v: limit range %+v", c.labels, lr)
		}
		if again, _ := (quota.Tier{}).GenerateNamespace(context.Background(), env); len(again) != 2 || again[0].(*corev1.ResourceQuota).Spec.Hard.Pods().Cmp(*rq.Spec.Hard.Pods()) != 0 {
			t.Errorf("%v: not deterministic", c.labels)
		}
	}
	// No default tier: an unlabelled namespace gets nothing.
	spec := policy.Default().Spec
	spec.Tiers.DefaultTier = quota.NoTier
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	if objs, _ := (quota.Tier{}).GenerateNamespace(context.Background(), policy.Env{Policy: p, Namespace: policy.Namespace{Name: "x"}}); len(objs) != 0 {
		t.Fatalf("quota without a tier: %v", objs)
	}
}
