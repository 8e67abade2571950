package validators_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

// NodePort and LoadBalancer Services open the cluster's edge: only where the
// namespace's zone takes traffic from outside (the built-in policy's public
// zone), and in the platform's shared namespaces, which are no zone's.
func TestServiceExposure(t *testing.T) {
	for _, c := range []struct {
		name      string
		typ       corev1.ServiceType
		namespace string
		zone      string // the namespace's label; "" is the policy's default zone (internal)
		isolation v1alpha1.IsolationTarget
		denied    bool
	}{
		{"ClusterIP", corev1.ServiceTypeClusterIP, "shop", "", "", false},
		{"ExternalName", corev1.ServiceTypeExternalName, "shop", "", "", false},
		{"NodePort in the default zone", corev1.ServiceTypeNodePort, "shop", "", "", true},
		{"LoadBalancer in a restricted namespace", corev1.ServiceTypeLoadBalancer, "vault", "restricted", "", true},
		{"LoadBalancer in the public zone", corev1.ServiceTypeLoadBalancer, "web", "public", "", false},
		{"LoadBalancer of the ingress controller", corev1.ServiceTypeLoadBalancer, "ingress-nginx", "", "", false},
		{"NodePort with zones not isolated", corev1.ServiceTypeNodePort, "shop", "", v1alpha1.IsolationOff, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec := policy.Default().Spec
			if c.isolation != "" {
				spec.Zones.Isolation.Target = c.isolation
			}
			p, err := policy.FromSpec(spec)
			if err != nil {
				t.Fatal(err)
			}
			env := workloadtest.Env()
			env.Policy, env.Namespace = p, policy.Namespace{Name: c.namespace}
			if c.zone != "" {
				env.Namespace.Labels = map[string]string{v1alpha1.LabelZone: c.zone}
			}
			svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: corev1.ServiceSpec{Type: c.typ}}
			got := validators.ServiceExposure{}.ValidateObject(context.Background(), svc, env)
			if !c.denied {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "service-exposure")
			if got[0].Field != "spec.type" || !strings.Contains(got[0].Message, "takes none") || !strings.Contains(got[0].Fix, "Ingress") {
				t.Errorf("%+v", got[0])
			}
		})
	}
}
