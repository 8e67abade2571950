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
	got, err := companionCounts(strings.NewReader(metrics))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]float64{"applied": 1200, "unchanged": 1200, "failed": 3}; !maps.Equal(got, want) {
		t.Errorf("companionCounts = %v, want %v", got, want)
	}
}
