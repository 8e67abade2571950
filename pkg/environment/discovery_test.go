package environment_test

import (
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	fakediscovery "k8s.io/client-go/discovery/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/pave-dev/pave/pkg/environment"
)

func TestUnserved(t *testing.T) {
	dc := &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{Resources: []*metav1.APIResourceList{
		{GroupVersion: "monitoring.coreos.com/v1", APIResources: []metav1.APIResource{{Name: "podmonitors", Kind: "PodMonitor"}}},
	}}}
	pm := schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "PodMonitor"}
	rule := schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "PrometheusRule"}
	schedule := schema.GroupVersionKind{Group: "velero.io", Version: "v1", Kind: "Schedule"}
	got := environment.Unserved(dc, []schema.GroupVersionKind{pm, rule, schedule, schedule})
	if !slices.Equal(got, []schema.GroupVersionKind{rule, schedule}) {
		t.Fatalf("unserved %v, want the PrometheusRule (its group is served, the kind is not) and the Schedule, once", got)
	}
}
