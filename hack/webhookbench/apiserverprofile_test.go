package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

func encodedProfile(t *testing.T, types []*profile.ValueType, values ...[]int64) *profile.Profile {
	t.Helper()
	fn := &profile.Function{ID: 1, Name: "f"}
	loc := &profile.Location{ID: 1, Line: []profile.Line{{Function: fn}}}
	p := &profile.Profile{SampleType: types, Function: []*profile.Function{fn}, Location: []*profile.Location{loc}, PeriodType: types[len(types)-1], Period: 10_000_000}
	for _, v := range values {
		p.Sample = append(p.Sample, &profile.Sample{Location: []*profile.Location{loc}, Value: v})
	}
	// Through its encoding, as the API server sends it.
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	parsed, err := profile.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

func TestSampledCPUSumsTheCPUColumn(t *testing.T) {
	// As Go's CPU profiles are: samples/count, then cpu/nanoseconds.
	raw := encodedProfile(t, []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		[]int64{3, 30_000_000}, []int64{1, 10_000_000})
	got, err := sampledCPU(raw)
	if err != nil {
		t.Fatal(err)
	}
	if want := 40 * time.Millisecond; got != want {
		t.Errorf("sampledCPU = %v, want %v (the cpu column, not the sample counts)", got, want)
	}
	heap := encodedProfile(t, []*profile.ValueType{{Type: "alloc_space", Unit: "bytes"}}, []int64{1 << 20})
	if _, err := sampledCPU(heap); err == nil {
		t.Error("a heap profile: no error")
	}
}

func TestCPUPerCreate(t *testing.T) {
	// 4 s of CPU in an 8 s window is half a core; 400 creates in 10 s (the
	// last batch ran past the window) are 40/s: 12.5 ms a create, not the
	// 10 ms that dividing 4 s by 400 gives.
	p := apiServerProfile{creates: 400, took: 10 * time.Second, cpu: 4 * time.Second, window: 8 * time.Second}
	if got := p.cpuPerCreate(); got != 12500*time.Microsecond {
		t.Errorf("cpuPerCreate = %v, want 12.5ms", got)
	}
	if got := p.perSecond(); got != 40 {
		t.Errorf("perSecond = %v, want 40", got)
	}
	if got := (apiServerProfile{cpu: time.Second, window: time.Second}).cpuPerCreate(); got != 0 {
		t.Errorf("no creates: cpuPerCreate = %v, want 0, not a division by zero", got)
	}
}

func TestControllerPerCreate(t *testing.T) {
	// The controller's CPU is read over all the creates, so it is divided
	// by all of them: 2 s over 400 creates is 5 ms each.
	p := apiServerProfile{creates: 400, took: 10 * time.Second, controllerCPU: 2 * time.Second}
	if got := p.controllerMsPerCreate(); got != 5 {
		t.Errorf("controllerMsPerCreate = %v, want 5", got)
	}
	if got := (apiServerProfile{controllerCPU: time.Second}).controllerMsPerCreate(); got != 0 {
		t.Errorf("no creates: controllerMsPerCreate = %v, want 0, not a division by zero", got)
	}
}

func TestAppliesPerCreate(t *testing.T) {
	if got := (apiServerProfile{creates: 400, applied: 560}).appliesPerCreate(); got != 1.4 {
		t.Errorf("appliesPerCreate = %v, want 1.4", got)
	}
	if got := (apiServerProfile{applied: 3}).appliesPerCreate(); got != 0 {
		t.Errorf("no creates: appliesPerCreate = %v, want 0, not a division by zero", got)
	}
}
