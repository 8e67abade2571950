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

// A pod that budgets cpu at pod level counts its budget against the quota,
// as the quota admission does, not its containers' requests.
func TestQuotaHeadroomCountsThePodsBudget(t *testing.T) {
	env := workloadtest.Env()
	env.Quotas = []corev1.ResourceQuota{{ObjectMeta: metav1.ObjectMeta{Name: "pave-tier"},
		Spec:   corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"requests.cpu": resource.MustParse("4"), "limits.cpu": resource.MustParse("8")}},
		Status: corev1.ResourceQuotaStatus{Used: corev1.ResourceList{"requests.cpu": resource.MustParse("1"), "limits.cpu": resource.MustParse("1")}}}}
	deployment := func(podResources string) string {
		return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  template:
    spec:
      resources: ` + podResources + `
      containers: [{name: web, image: "x:1", resources: {requests: {cpu: 100m}}}, {name: helper, image: "x:1"}]
`
	}
	for _, tc := range []struct {
		name, podResources, want string
	}{
		// 4 pods x 1 cpu = 4 > 3 left, where the containers' 100m would fit.
		{"a request", "{requests: {cpu: 1}, limits: {cpu: 1500m}}", "requests.cpu: needs 4, 3 left of 4"},
		// 4 pods x 2 cpu = 8 > 7 left, of limits the containers have none of.
		{"a limit", "{limits: {cpu: 2}}", "limits.cpu: needs 8, 7 left of 8"},
		// The API server makes the request the containers' (100m), not the limit.
		{"a limit within", "{limits: {cpu: 1}}", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := validators.QuotaHeadroom{}.Validate(context.Background(), workloadtest.FromYAML(t, deployment(tc.podResources)), env)
			if tc.want == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "quota-headroom")
			if !strings.Contains(got[0].Message, tc.want) {
				t.Errorf("%s, want %q in it", got[0].Message, tc.want)
			}
		})
	}
}

// A pod counts against the quota as the quota controller sums it: an init
// container that asks for more than the app containers counts its own, and
// a limit without a request is the request the API server gives it.
func TestQuotaHeadroomCountsAsTheQuotaDoes(t *testing.T) {
	env := workloadtest.Env()
	env.Quotas = []corev1.ResourceQuota{{ObjectMeta: metav1.ObjectMeta{Name: "pave-tier"},
		Spec:   corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"requests.cpu": resource.MustParse("4"), "cpu": resource.MustParse("4")}},
		Status: corev1.ResourceQuotaStatus{Used: corev1.ResourceList{"requests.cpu": resource.MustParse("1"), "cpu": resource.MustParse("1")}}}}
	deployment := func(init, app string) string {
		return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  template:
    spec:
      initContainers: [{name: migrate, image: "x:1", resources: ` + init + `}]
      containers: [{name: web, image: "x:1", resources: ` + app + `}]
`
	}
	for _, tc := range []struct {
		name, init, app, want string
	}{
		// 3 pods x max(1500m, 500m) = 4500m > 3 left, where the app's 1500m would fit.
		{"an init container's larger request", "{requests: {cpu: 1500m}}", "{requests: {cpu: 500m}}", "requests.cpu: needs 4500m, 3 left of 4"},
		// 3 pods x 1200m (the limit, made the request) = 3600m > 3 left.
		{"a limit without a request", "{requests: {cpu: 100m}}", "{limits: {cpu: 1200m}}", "cpu: needs 3600m, 3 left of 4"},
		{"both within", "{requests: {cpu: 1}}", "{requests: {cpu: 500m}}", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := validators.QuotaHeadroom{}.Validate(context.Background(), workloadtest.FromYAML(t, deployment(tc.init, tc.app)), env)
			if tc.want == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "quota-headroom")
			if !strings.Contains(got[0].Message, tc.want) {
				t.Errorf("%s, want %q in it", got[0].Message, tc.want)
			}
		})
	}
}

// A Job's pods fail quota as a ReplicaSet's do, seen only in its events; a
// CronJob's run later, as a suspended Job's do, so only more than the whole
// quota is said of them.
func TestQuotaHeadroomCountsJobsAtOnce(t *testing.T) {
	env := workloadtest.Env()
	env.Quotas = []corev1.ResourceQuota{{ObjectMeta: metav1.ObjectMeta{Name: "pave-tier"},
		Spec:   corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"requests.cpu": resource.MustParse("16")}},
		Status: corev1.ResourceQuotaStatus{Used: corev1.ResourceList{"requests.cpu": resource.MustParse("10")}}}}
	job := func(kind, spec, cpu string) string {
		pod := `{containers: [{name: train, image: "x:1", resources: {requests: {cpu: ` + cpu + `}}}]}`
		if kind == "Job" {
			return "apiVersion: batch/v1\nkind: Job\nmetadata: {name: train}\nspec: {" + spec + "template: {spec: " + pod + "}}\n"
		}
		return "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: train}\nspec: {schedule: '@daily', jobTemplate: {spec: {" + spec + "template: {spec: " + pod + "}}}}\n"
	}
	// 10 of 16 cpu are used: 6 left.
	for _, tc := range []struct {
		name, kind, spec, cpu, want, field string
	}{
		{"one pod fits", "Job", "", "4", "", ""},
		{"one pod too large", "Job", "completions: 3, ", "8", "the Job's 1 pod does not fit ResourceQuota pave-tier: requests.cpu: needs 8, 6 left of 16", "spec.parallelism"},
		{"two at once", "Job", "parallelism: 2, ", "4", "the Job's 2 pods at once do not fit ResourceQuota pave-tier: requests.cpu: needs 8, 6 left of 16", "spec.parallelism"},
		// Never more than completions at once.
		{"fewer to complete", "Job", "parallelism: 5, completions: 1, ", "4", "", ""},
		// A CronJob's run is judged against the whole quota, not today's usage.
		{"a run within the quota", "CronJob", "parallelism: 2, ", "4", "", ""},
		{"a run beyond the quota", "CronJob", "parallelism: 5, ", "4", "each run's 5 pods at once, even with nothing else running, do not fit ResourceQuota pave-tier: requests.cpu: needs 20, more than the 16 the quota allows", "spec.jobTemplate.spec.parallelism"},
		// A suspended Job starts when a queue says so, not now.
		{"suspended within the quota", "Job", "suspend: true, parallelism: 2, ", "4", "", ""},
		{"suspended beyond the quota", "Job", "suspend: true, parallelism: 5, ", "4", "the Job's 5 pods at once, even with nothing else running, do not fit", "spec.parallelism"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := validators.QuotaHeadroom{}.Validate(context.Background(), workloadtest.FromYAML(t, job(tc.kind, tc.spec, tc.cpu)), env)
			if tc.want == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "quota-headroom")
			if !strings.Contains(got[0].Message, tc.want) || got[0].Field != tc.field || !strings.Contains(got[0].Fix, "lower the parallelism") {
				t.Errorf("%s at %s (fix %q), want %q at %s", got[0].Message, got[0].Field, got[0].Fix, tc.want, tc.field)
			}
		})
	}
}
