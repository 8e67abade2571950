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

// An ExternalName Service may alias a Service of a zoned namespace, or a
// host its zone lists; the shared ingress controller proxies to anything
// else from where it sits (CVE-2021-25740's class).
func TestServiceExternalName(t *testing.T) {
	allowing := func(s *v1alpha1.PlatformPolicySpec) {
		for i := range s.Zones.Access {
			if s.Zones.Access[i].Zone == "internal" {
				s.Zones.Access[i].ExternalNames = []string{"smtp.example.com", "*.rds.amazonaws.com"}
			}
		}
	}
	for _, c := range []struct {
		name, externalName, namespace, zone string
		policy                              func(*v1alpha1.PlatformPolicySpec)
		why, fix                            string // "": allowed
	}{
		{name: "another team's Service", externalName: "api.orders.svc.cluster.local"},
		{name: "a Service by its short domain", externalName: "api.orders.svc"},
		{name: "a Service with the root dot", externalName: "api.orders.svc.cluster.local."},
		{name: "a StatefulSet's pod by its headless Service", externalName: "db-0.db.orders.svc.cluster.local"},
		{name: "a pod name before the API server's", externalName: "x.kubernetes.default.svc", why: "the API server"},
		{name: "too many labels for a Service", externalName: "a.b.c.orders.svc", why: "a host outside the cluster"},
		{name: "the metadata server's name", externalName: "metadata.google.internal",
			why: `a host outside the cluster that zone "internal"`, fix: "spec.zones.access[].externalNames"},
		{name: "an address", externalName: "169.254.169.254", why: "a host outside the cluster"},
		{name: "a look-alike of a Service's name", externalName: "api.orders.svc.evil.example", why: "a host outside the cluster"},
		{name: "the API server", externalName: "kubernetes.default.svc.cluster.local", why: "the API server"},
		{name: "the monitoring namespace's Prometheus", externalName: "prometheus.monitoring.svc", why: "namespace monitoring, which the zones leave alone"},
		{name: "the DNS server", externalName: "kube-dns.kube-system.svc.cluster.local", why: "namespace kube-system"},
		{name: "a short name", externalName: "prometheus", why: "a short name", fix: "prometheus.shop.svc.cluster.local"},
		{name: "a host the zone lists", externalName: "smtp.example.com", policy: allowing},
		{name: "a host under a domain the zone lists", externalName: "db-1.abc.eu-west-1.rds.amazonaws.com", policy: allowing},
		{name: "the domain itself of a wildcard", externalName: "rds.amazonaws.com", policy: allowing, why: "outside the cluster"},
		{name: "a host another zone lists", externalName: "smtp.example.com", zone: "public", policy: allowing, why: `zone "public"`},
		{name: "in the ingress controller's namespace", externalName: "example.com", namespace: "ingress-nginx"},
		{name: "with zones not isolated", externalName: "metadata.google.internal", policy: func(s *v1alpha1.PlatformPolicySpec) {
			s.Zones.Isolation.Target = v1alpha1.IsolationOff
		}, why: "a host outside the cluster"},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec := policy.Default().Spec
			if c.policy != nil {
				c.policy(&spec)
			}
			p, err := policy.FromSpec(spec)
			if err != nil {
				t.Fatal(err)
			}
			env := workloadtest.Env()
			env.Policy, env.Namespace = p, policy.Namespace{Name: "shop"}
			if c.namespace != "" {
				env.Namespace.Name = c.namespace
			}
			if c.zone != "" {
				env.Namespace.Labels = map[string]string{v1alpha1.LabelZone: c.zone}
			}
			svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "alias"},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: c.externalName}}
			got := validators.ServiceExternalName{}.ValidateObject(context.Background(), svc, env)
			if c.why == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "service-external-name")
			if v := got[0]; v.Field != "spec.externalName" || !strings.Contains(v.Message, c.why) || !strings.Contains(v.Message, c.externalName) ||
				!strings.Contains(v.Fix, c.fix) || v.Fix == "" {
				t.Errorf("%+v", v)
			}
		})
	}
	t.Run("other types are not judged", func(t *testing.T) {
		svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: corev1.ServiceSpec{ExternalName: "metadata.google.internal"}}
		assertRules(t, validators.ServiceExternalName{}.ValidateObject(context.Background(), svc, zoneEnv(t, "shop", "", "")))
	})
}
