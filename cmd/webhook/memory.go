package main

import (
	"fmt"
	"math"
	"os"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/pave-dev/pave/internal/gcbudget"
)

// defaultAdmissionHeapBudget is the admission role's --heap-budget: its live
// heap is about 7 MiB, so Go's default collects at about 14 MiB, dozens of
// times a second under load (docs/performance.md, stop 27).
const defaultAdmissionHeapBudget = "24Mi"

// tuneMemory tells Go how much memory the process has and may use.
//
// A container's memory limit is a hard one: past it the process is killed.
// Go collects when the heap has doubled since the last collection, whatever
// the limit, so pave tells it the limit: 90 % of its cgroup's. GOMEMLIMIT, or
// AUTOMEMLIMIT=off, in the environment wins.
//
// The heap budget is the other way round: a heap that may grow to it before
// Go collects, where Go's default would collect sooner (internal/gcbudget).
// GOGC in the environment wins.
func tuneMemory(o options, log logr.Logger) error {
	if limit, err := memlimit.Set(); err != nil {
		log.Error(err, "the Go memory limit is left as it was")
	} else if limit < math.MaxInt64 {
		log.Info("Go memory limit", "bytes", limit)
	}
	budget, err := heapBudget(o)
	if err != nil || budget == 0 {
		return err
	}
	if os.Getenv("GOGC") != "" {
		log.Info("GOGC is set: --heap-budget is left out", "GOGC", os.Getenv("GOGC"))
		return nil
	}
	gcbudget.Start(budget)
	log.Info("Go heap budget", "bytes", budget)
	return nil
}

// heapBudget is --heap-budget in bytes, the role's default when it is not
// set; 0 leaves Go's default.
func heapBudget(o options) (uint64, error) {
	budget := o.heapBudget
	if budget == "" && o.role == roleAdmission {
		budget = defaultAdmissionHeapBudget
	}
	if budget == "" {
		return 0, nil
	}
	q, err := resource.ParseQuantity(budget)
	if err != nil || q.Sign() < 0 {
		return 0, fmt.Errorf("--heap-budget %q: want a size such as 24Mi, or 0 for Go's default", budget)
	}
	return uint64(q.Value()), nil
}
