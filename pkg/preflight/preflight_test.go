package preflight_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/preflight"
)

func sc(name string, encrypted, isDefault bool) storagev1.StorageClass {
	c := storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Provisioner: "ebs.csi.aws.com"}
	if encrypted {
		c.Parameters = map[string]string{"encrypted": "true"}
	}
	if isDefault {
		c.Annotations = map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}
	}
	return c
}

func checks(fs []preflight.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Check)
	}
	return out
}

// ofCheck are the findings of one check, in order.
func ofCheck(fs []preflight.Finding, check string) []preflight.Finding {
	var out []preflight.Finding
	for _, f := range fs {
		if f.Check == check {
			out = append(out, f)
		}
	}
	return out
}

func TestStorage(t *testing.T) {
	p := policy.Default()
	for _, c := range []struct {
		name    string
		classes []storagev1.StorageClass
		want    []string
	}{
		{"an encrypting default", []storagev1.StorageClass{sc("gp3", true, true)}, nil},
		{"a plain default beside an encrypting class", []storagev1.StorageClass{sc("gp2", false, true), sc("gp3", true, false)}, []string{"storage-default-class"}},
		{"nothing encrypts", []storagev1.StorageClass{sc("gp2", false, true)}, []string{"storage-default-class", "storage-encrypting-class"}},
		{"no default, one that encrypts", []storagev1.StorageClass{sc("gp3", true, false)}, nil},
	} {
		found, err := preflight.Run(context.Background(), p, preflight.Cluster{StorageClasses: c.classes})
		if err != nil {
			t.Fatal(err)
		}
		got := checks(found)
		if len(got) != len(c.want) {
			t.Errorf("%s: findings %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: findings %v, want %v", c.name, got, c.want)
			}
		}
	}
}

// A policy whose SLI queries select by labels the scraped pod writes
// itself (pave's meshed defaults before stop 54) is named, with the field
// and the selector: another team's pods could decide its SLO alerts.
func TestSLIThatReadsEveryNamespace(t *testing.T) {
	old := `sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="{{.Namespace}}",destination_workload="{{.Workload}}"}[{{.Window}}]))`
	p, err := policy.FromSpec(v1alpha1.PlatformPolicySpec{Monitoring: v1alpha1.MonitoringPolicy{SLO: v1alpha1.SLOPolicy{Meshed: v1alpha1.SLIQueries{Total: old}}}})
	if err != nil {
		t.Fatal(err)
	}
	found, err := preflight.Run(context.Background(), p, preflight.Cluster{StorageClasses: []storagev1.StorageClass{sc("gp3", true, true)}})
	if err != nil {
		t.Fatal(err)
	}
	if got := checks(found); !slices.Equal(got, []string{"sli-namespace"}) {
		t.Fatalf("findings %v", got)
	}
	if f := found[0]; f.Subject != "PlatformPolicy spec.monitoring.slo.meshed.total" || f.Severity != "medium" ||
		!strings.Contains(f.Message, `selects istio_requests_total{destination_workload="web",destination_workload_namespace="pave-probe-namespace",reporter="destination"}`) {
		t.Errorf("finding %+v", f)
	}
}
