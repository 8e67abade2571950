package validators_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
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
			env := zoneEnv(t, c.namespace, c.zone, c.isolation)
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

// An Ingress in a zone the ingress controller is not let into admits, and
// answers nothing: a warning, where and only where that is so.
func TestIngressReach(t *testing.T) {
	for _, c := range []struct {
		name, namespace, zone string
		isolation             v1alpha1.IsolationTarget
		warned                bool
	}{
		{"in the default zone", "shop", "", "", true},
		{"in a restricted namespace", "vault", "restricted", "", true},
		{"in the public zone", "web", "public", "", false},
		{"in the ingress controller's namespace", "ingress-nginx", "", "", false},
		{"with zones not isolated", "shop", "", v1alpha1.IsolationOff, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "web"}}
			got := validators.IngressReach{}.ValidateObject(context.Background(), ing, zoneEnv(t, c.namespace, c.zone, c.isolation))
			if !c.warned {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "ingress-reachable")
			if got[0].Mode != v1alpha1.ModeWarn || !strings.Contains(got[0].Message, "namespace ingress-nginx is not let in") || !strings.Contains(got[0].Fix, "fromOutside") {
				t.Errorf("%+v", got[0])
			}
		})
	}
}

// zoneEnv is the built-in policy's environment for a namespace with the
// given zone label ("" for the default zone) and isolation target ("" for
// the built-in one).
func zoneEnv(t *testing.T, namespace, zone string, isolation v1alpha1.IsolationTarget) policy.Env {
	t.Helper()
	spec := policy.Default().Spec
	if isolation != "" {
		spec.Zones.Isolation.Target = isolation
	}
	p, err := policy.FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	env := workloadtest.Env()
	env.Policy, env.Namespace = p, policy.Namespace{Name: namespace}
	if zone != "" {
		env.Namespace.Labels = map[string]string{v1alpha1.LabelZone: zone}
	}
	return env
}

// A policy that names no ingress controller namespace lets nothing in from
// outside, whatever a zone's fromOutside says: an Ingress anywhere answers
// nothing, and is warned of with that reason.
func TestIngressReachWithoutAnIngressNamespace(t *testing.T) {
	p := workloadtest.PolicyOf(t, `{zones: {isolation: {ingressNamespace: ""}}}`)
	env := workloadtest.Env()
	env.Policy, env.Namespace = p, policy.Namespace{Name: "web", Labels: map[string]string{v1alpha1.LabelZone: "public"}}
	got := validators.IngressReach{}.ValidateObject(context.Background(), &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "web"}}, env)
	assertRules(t, got, "ingress-reachable")
	if !strings.Contains(got[0].Message, "names no ingress controller namespace") || !strings.Contains(got[0].Fix, "spec.zones.isolation.ingressNamespace") {
		t.Errorf("%+v", got[0])
	}
}
