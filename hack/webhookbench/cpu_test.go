package main

import (
	"testing"
	"time"
)

func TestStatCPU(t *testing.T) {
	// A command with a space and a parenthesis: the fields count from its end.
	line := "4242 (pave (x) y) S 1 4242 4242 0 -1 4194560 5000 0 0 0 731 269 0 0 20 0 9 0 1 0 0\n"
	got, err := statCPU(line)
	if err != nil {
		t.Fatal(err)
	}
	if want := (731 + 269) * clockTick; got != want {
		t.Errorf("statCPU = %v, want %v (utime 731 + stime 269 ticks)", got, want)
	}
	if _, err := statCPU("4242 (pave) S 1 2 3"); err == nil {
		t.Error("a short line: no error")
	}
}

func TestProcessCPUGrowsWithWork(t *testing.T) {
	before, err := processCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	// Spin until the process has used at least two clock ticks more.
	deadline := time.Now().Add(30 * time.Second)
	for after := before; after-before < 2*clockTick; {
		if time.Now().After(deadline) {
			t.Fatalf("30 s of spinning, and the process's CPU time went from %v to %v", before, after)
		}
		for i := 0; i < 1e6; i++ {
			_ = time.Now()
		}
		if after, err = processCPU(0); err != nil {
			t.Fatal(err)
		}
	}
}

// counted reads the load generator and its children of the names it
// knows, and leaves out a child of another name and a process of a known
// name that is not its child (another run's, on a shared machine).
func TestCountedReadsTheLoadGeneratorAndItsChildren(t *testing.T) {
	const self = 4000
	for _, c := range []struct {
		line, want string
		ok         bool
	}{
		{"4000 (webhookbench) S 1 4000 4000 0 -1 0 0 0 0 0 5 5 0 0 20 0 9 0 1 0 0", "load generator", true},
		{"4001 (webhookbench) S 4000 4000 4000 0 -1 0 0 0 0 0 5 5 0 0 20 0 9 0 1 0 0", "no-op server", true},
		{"4002 (etcd) S 4000 4000 4000 0 -1 0 0 0 0 0 5 5 0 0 20 0 9 0 1 0 0", "etcd", true},
		{"4003 (kube-controller) S 4000 4000 4000 0 -1 0 0 0 0 0 5 5 0 0 20 0 9 0 1 0 0", "kube-controller-manager", true},
		{"4004 (pave-admission) R 4000 4000 4000 0 -1 0 0 0 0 0 5 5 0 0 20 0 9 0 1 0 0", "pave admission", true},
		{"4005 (sh) S 4000 4000 4000 0 -1 0 0 0 0 0 5 5 0 0 20 0 9 0 1 0 0", "", false},
		{"5002 (etcd) S 5000 5000 5000 0 -1 0 0 0 0 0 5 5 0 0 20 0 9 0 1 0 0", "", false},
		{"40000 (etcd) S 1 40000 40000 0 -1 0 0 0 0 0 5 5 0 0 20 0 9 0 1 0 0", "", false},
		{"4006 (etcd", "", false},
	} {
		if got, ok := counted(c.line, self); got != c.want || ok != c.ok {
			t.Errorf("counted(%q) = %q, %v; want %q, %v", c.line, got, ok, c.want, c.ok)
		}
	}
}

// On the machine: this process is read, as the load generator, with the
// CPU time processCPU reads of it.
func TestProcessesCPUReadsThisProcess(t *testing.T) {
	got := processesCPU()
	before, err := processCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	if cpu, ok := got["load generator"]; !ok || cpu > before {
		t.Errorf("processesCPU = %v; want the load generator at most %v, read after it", got, before)
	}
}
