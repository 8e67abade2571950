package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/google/pprof/profile"

	"github.com/pave-dev/pave/internal/localcluster"
)

// apiServerProfileSeconds is how long each namespace's creates are profiled.
const apiServerProfileSeconds = 8

// apiServerProfiles profiles the API server while Deployments are created
// without pause in one namespace at a time: the no-op webhooks, the no-op
// webhooks adding one label, the no-op webhooks sending pave's patch, pave,
// and pave with its Deployments opted out of the mesh (no proxy), twice
// each, in that order and then back (the first after a phase inherits its
// backlog: the controller-manager's ReplicaSets and status updates), each
// arm's two merged into prefix-apiserver-<arm>.pprof. Each arm's API-server
// CPU per create says where a create in pave's namespace costs more, which
// the creates/s of the interleaved arms cannot (docs/performance.md, stop
// 43). With controller (pave's, running), its CPU and applies are read over
// each window too: arm against arm, a floor of what pave's companions cost
// the API server and the controller per Deployment (it falls behind in
// pave's windows and catches up in the next arms'). Numbered from offset, so each Deployment is new; it returns
// the number the next Deployment would have.
func (b *bench) apiServerProfiles(ctx context.Context, prefix string, offset int, controller *localcluster.Webhook) ([]apiServerProfile, int, error) {
	arms := []string{nsNoop, nsNoopLabelled, nsNoopPatched, nsPave, nsPaveUnmeshed}
	byArm := map[string]*apiServerProfile{}
	back := slices.Clone(arms)
	slices.Reverse(back)
	for _, ns := range slices.Concat(arms, back) {
		p, next, err := b.apiServerProfile(ctx, ns, offset, controller)
		if err != nil {
			return nil, offset, fmt.Errorf("the API server's profile under creates in %s: %w", ns, err)
		}
		offset = next
		if prev := byArm[ns]; prev != nil {
			merged, err := profile.Merge([]*profile.Profile{prev.prof, p.prof})
			if err != nil {
				return nil, offset, err
			}
			p.prof, p.creates, p.took, p.cpu, p.window = merged, p.creates+prev.creates, p.took+prev.took, p.cpu+prev.cpu, p.window+prev.window
			p.controllerCPU, p.applied = p.controllerCPU+prev.controllerCPU, p.applied+prev.applied
			for k, v := range prev.procs {
				p.procs[k] += v
			}
		}
		byArm[ns] = &p
	}
	var out []apiServerProfile
	for _, ns := range arms {
		p := byArm[ns]
		p.file = fmt.Sprintf("%s-apiserver-%s.pprof", prefix, p.arm)
		f, err := os.Create(p.file)
		if err != nil {
			return nil, offset, err
		}
		if err := errors.Join(p.prof.Write(f), f.Close()); err != nil {
			return nil, offset, err
		}
		out = append(out, *p)
	}
	return out, offset, nil
}

// cpuPerCreate is the CPU time, in milliseconds, of the API server and of
// pave's controller for each Deployment created in one arm's namespace, and
// the server-side applies the controller sent meanwhile for each; and each
// process's CPU time (processesCPU) for each.
type cpuPerCreate struct {
	APIServer  float64            `json:"apiServer"`
	Controller float64            `json:"controller"`
	Applies    float64            `json:"controllerApplies"`
	Processes  map[string]float64 `json:"processes,omitempty"`
}

// apiServerProfile is one namespace's creates under the API server's
// profiler.
type apiServerProfile struct {
	arm, file string
	prof      *profile.Profile
	creates   int
	took      time.Duration
	cpu       time.Duration // the API server's, as the profile sampled it
	window    time.Duration // the profile's own duration
	// controllerCPU is pave's controller's CPU time over the creates, when
	// it ran (zero when it was stopped), and applied the server-side applies
	// it sent meanwhile, for whichever namespace's Deployments: fewer than
	// its companions in pave's windows, and more than none in the next,
	// say it fell behind.
	controllerCPU time.Duration
	applied       float64
	// procs is the CPU time of each process that takes part in a create
	// (processesCPU), from before the first create to the profile's end:
	// the webhook servers' own work per create, and etcd's and the
	// controller-manager's, which the API server's profile leaves out.
	procs map[string]time.Duration
}

func (p apiServerProfile) perSecond() float64 { return float64(p.creates) / p.took.Seconds() }

// cpuPerCreate is the API server's CPU time for each create: its CPU rate in
// the profile's window over the rate of creates. Dividing the sampled CPU by
// the creates counted instead would count the last batch's creates after
// the window, which the profile did not sample (about 2% too little).
func (p apiServerProfile) cpuPerCreate() time.Duration {
	if p.creates == 0 || p.window <= 0 || p.took <= 0 {
		return 0
	}
	return time.Duration(float64(p.cpu) / p.window.Seconds() / p.perSecond())
}

// cpuMsPerCreate is cpuPerCreate in milliseconds, as printed and reported.
func (p apiServerProfile) cpuMsPerCreate() float64 {
	return float64(p.cpuPerCreate().Microseconds()) / 1000
}

// controllerMsPerCreate is the controller's CPU time in milliseconds for
// each create, read from the first create to the profile's end: what it
// did meanwhile, for whichever namespace (appliesPerCreate says how far it
// kept up).
func (p apiServerProfile) controllerMsPerCreate() float64 {
	return p.perCreate(float64(p.controllerCPU.Microseconds()) / 1000)
}

// apiServerProfile creates Deployments in ns, c at a time in batches of 5c,
// until the API server's CPU profile of them is taken, and reads the
// controller's CPU time over them (nil: stopped); it returns the number the
// next Deployment would have.
func (b *bench) apiServerProfile(ctx context.Context, ns string, next int, controller *localcluster.Webhook) (apiServerProfile, int, error) {
	type result struct {
		raw []byte
		err error
	}
	done := make(chan result, 1)
	before, err := b.readController(controller)
	if err != nil {
		return apiServerProfile{}, next, err
	}
	procsBefore := processesCPU()
	start := time.Now()
	go func() {
		raw, err := b.cs.CoreV1().RESTClient().Get().AbsPath("/debug/pprof/profile").
			Param("seconds", fmt.Sprint(apiServerProfileSeconds)).DoRaw(ctx)
		done <- result{raw, err}
	}()
	p := apiServerProfile{arm: armKey(ns, "")}
	for {
		select {
		case r := <-done:
			if r.err != nil {
				return p, next, r.err
			}
			p.took = time.Since(start)
			p.procs = processesCPU()
			for k, v := range procsBefore {
				p.procs[k] -= v
			}
			after, err := b.readController(controller)
			if err != nil {
				return p, next, err
			}
			p.controllerCPU, p.applied = after.cpu-before.cpu, after.applied-before.applied
			prof, err := profile.Parse(bytes.NewReader(r.raw))
			if err != nil {
				return p, next, err
			}
			p.prof, p.window = prof, time.Duration(prof.DurationNanos)
			p.cpu, err = sampledCPU(prof)
			return p, next, err
		default:
		}
		batch := 5 * b.o.c
		deployment := meshed
		if ns == nsPaveUnmeshed {
			deployment = optedOut
		}
		if _, err := b.create(ctx, ns, next, batch, 0, deployment); err != nil {
			return p, next, err
		}
		next, p.creates = next+batch, p.creates+batch
	}
}

// controllerReading is the controller's CPU time and the server-side
// applies it has sent, so far.
type controllerReading struct {
	cpu     time.Duration
	applied float64
}

// readController reads them (zero when it is stopped: controller nil).
func (b *bench) readController(controller *localcluster.Webhook) (controllerReading, error) {
	if controller == nil {
		return controllerReading{}, nil
	}
	cpu, err := processCPU(controller.Pid())
	if err != nil {
		return controllerReading{}, err
	}
	families, err := b.controllerMetrics()
	if err != nil {
		return controllerReading{}, err
	}
	return controllerReading{cpu: cpu, applied: companionCounts(families)["applied"]}, nil
}

// processMsPerCreate is each process's CPU time in milliseconds for each
// create (procs).
func (p apiServerProfile) processMsPerCreate() map[string]float64 {
	out := make(map[string]float64, len(p.procs))
	for name, cpu := range p.procs {
		out[name] = p.perCreate(float64(cpu.Microseconds()) / 1000)
	}
	return out
}

// appliesPerCreate is applied over the creates.
func (p apiServerProfile) appliesPerCreate() float64 { return p.perCreate(p.applied) }

// perCreate is v over the creates (0 without creates).
func (p apiServerProfile) perCreate(v float64) float64 {
	if p.creates == 0 {
		return 0
	}
	return v / float64(p.creates)
}

// sampledCPU is the CPU time a Go CPU profile sampled.
func sampledCPU(prof *profile.Profile) (time.Duration, error) {
	i := -1
	for k, t := range prof.SampleType {
		if t.Type == "cpu" && t.Unit == "nanoseconds" {
			i = k
		}
	}
	if i < 0 {
		return 0, fmt.Errorf("no cpu/nanoseconds samples in the profile (%v)", prof.SampleType)
	}
	var total int64
	for _, s := range prof.Sample {
		total += s.Value[i]
	}
	return time.Duration(total), nil
}

// printAPIServerProfiles prints each arm's creates and API-server CPU per
// create against the no-op webhooks', the controller's CPU per create where
// it ran, and said, what the controller was doing.
func printAPIServerProfiles(ps []apiServerProfile, said string) {
	if len(ps) == 0 {
		return
	}
	fmt.Printf("the API server under creates, one namespace at a time, there and back, %s (2 x %d s profiles):\n", said, apiServerProfileSeconds)
	for _, p := range ps {
		controller := ""
		if p.controllerCPU > 0 {
			controller = fmt.Sprintf("  %5.2f ms of the controller's, %.2f applies", p.controllerMsPerCreate(), p.appliesPerCreate())
		}
		fmt.Printf("  %-14s %6.1f creates/s  %5.2f ms of API-server CPU per create (%.2fx the no-op webhooks')%s  %s\n",
			p.arm, p.perSecond(), p.cpuMsPerCreate(), float64(p.cpuPerCreate())/float64(ps[0].cpuPerCreate()), controller, p.file)
		var procs []string
		for name, ms := range p.processMsPerCreate() {
			procs = append(procs, fmt.Sprintf("%s %.2f", name, ms))
		}
		slices.Sort(procs)
		fmt.Printf("  %-14s ms of CPU per create by process: %s\n", "", strings.Join(procs, ", "))
	}
}
