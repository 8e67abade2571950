package validators_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestQuotaHeadroom(t *testing.T) {
	quota := func(hard, used string) corev1.ResourceQuota {
		return corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "pave-tier"},
			Spec:   corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"requests.cpu": resource.MustParse(hard), "pods": resource.MustParse("10")}},
			Status: corev1.ResourceQuotaStatus{Used: corev1.ResourceList{"requests.cpu": resource.MustParse(used), "pods": resource.MustParse("1")}}}
	}
	w := workloadtest.FromYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  template:
    spec:
      containers: [{name: web, image: "x:1", resources: {requests: {cpu: 500m}}}]
`)
	env := workloadtest.Env()

	// 3 replicas + 1 surge pod x 500m = 2 cpu.
	env.Quotas = []corev1.ResourceQuota{quota("4", "1")}
	assertRules(t, validators.QuotaHeadroom{}.Validate(context.Background(), w, env))
	env.Quotas = []corev1.ResourceQuota{quota("4", "2500m")}
	got := validators.QuotaHeadroom{}.Validate(context.Background(), w, env)
	assertRules(t, got, "quota-headroom")
	if !strings.Contains(got[0].Message, "requests.cpu: needs 2, 1500m left of 4") || got[0].Field != "spec.replicas" {
		t.Errorf("%s at %s", got[0].Message, got[0].Field)
	}
	env.Quotas = nil // offline, or no quota: nothing to judge against
	assertRules(t, validators.QuotaHeadroom{}.Validate(context.Background(), w, env))
}
