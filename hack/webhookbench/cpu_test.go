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
