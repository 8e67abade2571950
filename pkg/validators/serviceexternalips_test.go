package validators_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

func TestServiceExternalIPs(t *testing.T) {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web"}}
	assertRules(t, validators.ServiceExternalIPs{}.ValidateObject(context.Background(), svc, workloadtest.Env()))
	svc.Spec.ExternalIPs = []string{"8.8.8.8"}
	got := validators.ServiceExternalIPs{}.ValidateObject(context.Background(), svc, workloadtest.Env())
	assertRules(t, got, "service-external-ips")
	if got[0].Field != "spec.externalIPs" {
		t.Errorf("field %s", got[0].Field)
	}
}
