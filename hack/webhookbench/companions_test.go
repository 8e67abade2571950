package main

import (
	"maps"
	"strings"
	"testing"
)

func TestCompanionCounts(t *testing.T) {
	metrics := `# HELP pave_companions_total Companion objects the controller applied.
# TYPE pave_companions_total counter
pave_companions_total{kind="NetworkPolicy",result="applied"} 600
pave_companions_total{kind="PodMonitor",result="applied"} 600
pave_companions_total{kind="NetworkPolicy",result="unchanged"} 1200
pave_companions_total{kind="Schedule",result="failed"} 3
pave_policy_generation 1
`
	families, err := metricFamilies(strings.NewReader(metrics))
	if err != nil {
		t.Fatal(err)
	}
	got := companionCounts(families)
	if want := map[string]float64{"applied": 1200, "unchanged": 1200, "failed": 3}; !maps.Equal(got, want) {
		t.Errorf("companionCounts = %v, want %v", got, want)
	}
}

func TestReconcilersBusy(t *testing.T) {
	metrics := `# TYPE workqueue_depth gauge
workqueue_depth{controller="companions-Deployment",name="companions-Deployment"} 7
workqueue_depth{controller="namespaces",name="namespaces"} 1
workqueue_depth{controller="platformpolicy",name="platformpolicy"} 5
# TYPE controller_runtime_active_workers gauge
controller_runtime_active_workers{controller="companions-Deployment"} 2
controller_runtime_active_workers{controller="companions-StatefulSet"} 0
controller_runtime_active_workers{controller="cluster-objects"} 1
`
	families, err := metricFamilies(strings.NewReader(metrics))
	if err != nil {
		t.Fatal(err)
	}
	if busy := reconcilersBusy(families); busy != 10 { // 7 + 1 queued, 2 at work; the policy and cluster controllers are not companions' lag
		t.Errorf("reconcilersBusy = %v, want 10", busy)
	}
	idle := "# TYPE workqueue_depth gauge\nworkqueue_depth{name=\"companions-Deployment\"} 0\n"
	families, err = metricFamilies(strings.NewReader(idle))
	if err != nil {
		t.Fatal(err)
	}
	if busy := reconcilersBusy(families); busy != 0 {
		t.Errorf("reconcilersBusy(idle) = %v, want 0", busy)
	}
}
