package main

import (
	"strings"
	"testing"
)

func TestHeapBudget(t *testing.T) {
	for _, c := range []struct {
		role, flag string
		want       uint64
		err        string
	}{
		{role: roleAdmission, want: 24 << 20}, // the admission role's default
		{role: roleController},                // Go's default: its live heap is hundreds of MiB
		{role: roleAll},
		{role: roleAdmission, flag: "0"},
		{role: roleController, flag: "64Mi", want: 64 << 20},
		{role: roleAdmission, flag: "32M", want: 32_000_000},
		{role: roleAdmission, flag: "lots", err: `--heap-budget "lots"`},
		{role: roleAdmission, flag: "-1Mi", err: `--heap-budget "-1Mi"`},
	} {
		got, err := heapBudget(options{role: c.role, heapBudget: c.flag})
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s %q: error %v, want one naming %s", c.role, c.flag, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%s %q: %d, %v; want %d", c.role, c.flag, got, err, c.want)
		}
	}
}
