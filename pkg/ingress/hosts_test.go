package ingress_test

import (
	"slices"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/pave-dev/pave/pkg/ingress"
)

func routing(hosts ...string) *networkingv1.Ingress {
	ing := &networkingv1.Ingress{}
	for _, h := range hosts {
		ing.Spec.Rules = append(ing.Spec.Rules, networkingv1.IngressRule{Host: h})
	}
	return ing
}

func TestHosts(t *testing.T) {
	if got := ingress.Hosts(routing("A.example.com", "a.example.com", "")); !slices.Equal(got, []string{"a.example.com", ingress.CatchAll}) {
		t.Errorf("hosts %q", got)
	}
	alone := &networkingv1.Ingress{Spec: networkingv1.IngressSpec{DefaultBackend: &networkingv1.IngressBackend{}}}
	if got := ingress.Hosts(alone); !slices.Equal(got, []string{ingress.CatchAll}) {
		t.Errorf("a default backend alone: %q", got)
	}
	alone.Spec.Rules = routing("a.example.com").Spec.Rules
	if got := ingress.Hosts(alone); !slices.Equal(got, []string{"a.example.com"}) {
		t.Errorf("a default backend beside rules: %q", got)
	}
	alone.Annotations = map[string]string{ingress.ServerAlias: "b.example.com, A.example.com,,*.c.example.com"}
	if got := ingress.Hosts(alone); !slices.Equal(got, []string{"a.example.com", "b.example.com", "*.c.example.com"}) {
		t.Errorf("server aliases: %q", got)
	}
	alone.Annotations[ingress.ExternalDNSHostname] = "d.example.com., b.example.com"
	if got := ingress.Hosts(alone); !slices.Equal(got, []string{"a.example.com", "b.example.com", "*.c.example.com", "d.example.com"}) {
		t.Errorf("names external-dns publishes: %q", got)
	}
	if got := ingress.HostAnnotation(alone, "d.example.com"); got != ingress.ExternalDNSHostname {
		t.Errorf("d.example.com is named by %q", got)
	}
}

// Overlap is what the Ingress API says a host matches, and every pair that
// overlaps is found through the index: one of LookupKeys(a) is among
// IndexKeys of an Ingress routing b.
func TestOverlapIsFoundByTheIndex(t *testing.T) {
	hosts := []string{"a.example.com", "b.example.com", "*.example.com", "x.a.example.com", "*.a.example.com", "example.com", "*.com", "localhost", ingress.CatchAll}
	overlapping := map[[2]string]bool{
		{"a.example.com", "*.example.com"}: true, {"b.example.com", "*.example.com"}: true,
		{"x.a.example.com", "*.a.example.com"}: true, {"example.com", "*.com"}: true,
	}
	for _, a := range hosts {
		for _, b := range hosts {
			want := a == b || overlapping[[2]string{a, b}] || overlapping[[2]string{b, a}]
			if got := ingress.Overlap(a, b); got != want {
				t.Errorf("Overlap(%q, %q) = %v, want %v", a, b, got, want)
			}
			found := slices.ContainsFunc(ingress.LookupKeys(a), func(k string) bool { return slices.Contains(ingress.IndexKeys(routing(b)), k) })
			if want && !found {
				t.Errorf("%q overlaps %q, but the index does not find it", a, b)
			}
		}
	}
}
