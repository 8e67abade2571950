// Command webhookbench measures pave's admission hot path against its floor,
// each figure against a baseline measured in the same run (docs/performance.md):
//
//   - the webhook stack: /mutate and /validate of the admission server (mesh
//     on; a 2 KB Deployment, and one with 20 containers) each against a no-op
//     handler on controller-runtime's server with pave's TLS settings given
//     the same request, in a process of its own as pave's is, c concurrent
//     keep-alive clients, arms interleaved round by round, with each
//     server's CPU time per request; and, for the record, the same no-op
//     handler sending the patch pave answered /mutate's request with: the
//     floor of any webhook that sends pave's answer;
//   - through the API server: Deployment creates in a namespace pave governs
//     against the same creates in a namespace only no-op webhooks match (and
//     one no webhook matches, and one whose no-op mutating webhook sends
//     pave's patch), interleaved in batches, each arm's after each other
//     arm's equally often; and again with pave's controller stopped,
//     to tell its companion writes from the admission's cost;
//   - memory: the admission and controller processes' resident memory after
//     the cluster holds -fill Deployments and their Pods, under that load.
//
// It starts a local control plane (make controlplane) and pave split as in
// production: one controller, one admission server, managed certificates.
// It prints a table (figure, baseline, ratio, target, met) and writes JSON.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/pave-dev/pave/internal/localcluster"
)

type options struct {
	assets, bin, out, cli string
	admissionBin          string
	profile               string
	meshOff               bool
	reconcileWorkers      int
	c, rounds, creates    int
	fill                  int
	round                 time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.assets, "assets", "bin/assets", "the control plane's binaries (make controlplane)")
	flag.StringVar(&o.bin, "bin", "bin/pave-webhook", "the pave-webhook binary, run as the controller (make build)")
	flag.StringVar(&o.admissionBin, "admission-bin", "bin/pave-admission", "the binary run as the admission server: pave-webhook's admission-only build, as the chart runs it (make build)")
	flag.StringVar(&o.out, "out", "bin/bench-webhook.json", "where to write the figures")
	flag.StringVar(&o.cli, "cli", "bin/bench.json", "hack/bench's figures, for the CLI row of the table ('' leaves it out)")
	flag.IntVar(&o.c, "c", 8, "concurrent clients")
	flag.IntVar(&o.rounds, "rounds", 3, "interleaved rounds per arm")
	flag.DurationVar(&o.round, "round", 2*time.Second, "length of one round of one webhook arm")
	flag.IntVar(&o.creates, "creates", 600, "Deployment creates per arm through the API server")
	flag.StringVar(&o.profile, "profile", "", "write CPU profiles of the admission server under the mutate and validate arms to <profile>-<arm>.pprof, its heap after them to <profile>-heap.pprof, the controller's CPU profile over the first 20 s of the creates to <profile>-controller-creates.pprof, and the API server's under creates in each arm's namespace, with the controller's CPU time, to <profile>-running-apiserver-<arm>.pprof, and again with the controller stopped, to <profile>-apiserver-<arm>.pprof")
	flag.BoolVar(&o.meshOff, "mesh-off", false, "run pave with the mesh off (no sidecar): to attribute the gap, not the targets, which are with the mesh on")
	flag.IntVar(&o.reconcileWorkers, "reconcile-workers", 0, "the controller's --reconcile-workers (0: pave's default)")
	flag.IntVar(&o.fill, "fill", 10000, "Deployments (one Pod each) in the cluster for the memory figure; 0 skips it")
	noopPort := flag.Int("serve-noop", 0, "internal: serve the no-op webhook on this port (the benchmark's own child process)")
	noopCerts := flag.String("serve-noop-certs", "", "internal: the no-op webhook's certificate directory")
	flag.Parse()
	ctrllog.SetLogger(logr.Discard()) // the no-op server's logs are noise here
	if *noopPort != 0 {
		if err := serveNoop(*noopPort, *noopCerts); err != nil {
			fmt.Fprintln(os.Stderr, "webhookbench: no-op server:", err)
			os.Exit(2)
		}
		return
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "webhookbench:", err)
		os.Exit(2)
	}
}

// report is everything measured, as written to JSON.
type report struct {
	Webhook   map[string]stats   `json:"webhook"`
	APIServer map[string]stats   `json:"apiServer"`
	Memory    map[string]float64 `json:"memoryMiB,omitempty"`
	// Companions are the controller's companion applies by result (applied,
	// failed, unchanged: skipped) until the creates through the API server ended.
	Companions map[string]float64 `json:"controllerCompanions,omitempty"`
	// CatchUpSeconds is how long after the last create the controller's
	// companion and namespace reconcilers were idle again.
	CatchUpSeconds float64 `json:"controllerCatchUpSeconds"`
	// ControllerCPUms is the controller's CPU time for each Deployment
	// created in pave's namespace (the only one it governs here), from the
	// first create until it was idle again: its companions' cost, on the
	// cores the API server needs.
	ControllerCPUms float64 `json:"controllerCPUMillisPerDeployment"`
	// APIServerPhaseCPUms is the API server's CPU time over the same span,
	// for each Deployment created in the four arms' namespaces: all their
	// work, pave's companions included wherever they fell, which the arms'
	// creates/s cannot separate (docs/performance.md, stop 62).
	APIServerPhaseCPUms float64 `json:"apiServerCPUMillisPerDeploymentUntilIdle"`
	// APIServerCPUms is the API server's CPU time per Deployment created
	// in each arm's namespace, the controller stopped (with -profile).
	APIServerCPUms map[string]float64 `json:"apiServerCPUMillisPerCreate,omitempty"`
	// ControllerRunning is the same with the controller running: the API
	// server's CPU time, the controller's and its applies per Deployment
	// created in each arm's namespace (with -profile). Arm against arm, a
	// floor of what pave's companions cost (docs/performance.md, stop 61).
	ControllerRunning map[string]cpuPerCreate `json:"controllerRunningCPUMillisPerCreate,omitempty"`
	// ProcessCPUms is, for each arm's namespace with the controller
	// stopped, each process's CPU time per Deployment created there (with
	// -profile): the webhook servers', etcd's and the controller-manager's
	// beside the API server's (docs/performance.md, stop 93).
	ProcessCPUms map[string]map[string]float64 `json:"processCPUMillisPerCreate,omitempty"`
	Rows         []row                         `json:"table"`
}

func run(o options) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "pave-webhookbench-")
	if err != nil {
		return err
	}
	if os.Getenv("PAVE_BENCH_KEEP") == "" {
		defer os.RemoveAll(dir)
	} else {
		fmt.Println("logs in", dir)
	}
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	cl, err := localcluster.Start(ctx, localcluster.Options{Assets: abs(o.assets), CRDs: []string{abs("manifests/crds")}, Dir: dir, ControllerQPS: 500})
	if err != nil {
		return err
	}
	defer cl.Stop()
	b, err := newBench(ctx, cl, abs(o.bin), abs(o.admissionBin), dir, o)
	if err != nil {
		return err
	}
	defer b.stop()

	rep := report{}
	fmt.Println("webhook stack ...")
	if rep.Webhook, err = b.webhookArms(); err != nil {
		return err
	}
	if o.profile != "" {
		if err := b.profile(o.profile); err != nil {
			return err
		}
	}
	fmt.Println("through the API server ...")
	cpu0, err := processCPU(b.controller.Pid())
	if err != nil {
		return err
	}
	apiServer, err := localcluster.APIServerPid()
	if err != nil {
		return err
	}
	apiCPU0, err := processCPU(apiServer)
	if err != nil {
		return err
	}
	// The controller's CPU profile over the first 20 s of the creates: its
	// reconciles of pave's Deployments share the two cores with them.
	controllerProfile := make(chan error, 1)
	if o.profile != "" {
		go func() {
			controllerProfile <- fetchProfile(b.controllerPprofPort, "profile?seconds=20", o.profile+"-controller-creates.pprof")
		}()
	} else {
		controllerProfile <- nil
	}
	if rep.APIServer, err = b.apiServerArms(ctx); err != nil {
		return err
	}
	if err := <-controllerProfile; err != nil {
		return fmt.Errorf("the controller's profile: %w", err)
	}
	families, err := b.controllerMetrics()
	if err != nil {
		return err
	}
	rep.Companions = companionCounts(families)
	catchUp, err := b.companionsCaughtUp(ctx, 15*time.Minute)
	if err != nil {
		return err
	}
	rep.CatchUpSeconds = catchUp.Seconds()
	cpu1, err := processCPU(b.controller.Pid())
	if err != nil {
		return err
	}
	rep.ControllerCPUms = float64((cpu1 - cpu0).Microseconds()) / 1000 / float64(o.creates)
	apiCPU1, err := processCPU(apiServer)
	if err != nil {
		return err
	}
	rep.APIServerPhaseCPUms = float64((apiCPU1 - apiCPU0).Microseconds()) / 1000 / float64(len(interleavedNamespaces())*o.creates)
	// With the controller caught up: pave without the proxy, to attribute
	// the gap. With the mesh off every arm is without it.
	if !o.meshOff {
		fmt.Println("through the API server, Deployments opted out of the mesh ...")
		unmeshed, err := b.unmeshedArms(ctx)
		if err != nil {
			return err
		}
		maps.Copy(rep.APIServer, unmeshed)
	}
	// Numbered past the interleaved creates of every phase.
	profileOffset := 3 * o.creates
	var running []apiServerProfile
	if o.profile != "" {
		fmt.Println("the API server's profile under creates, pave's controller running ...")
		if running, profileOffset, err = b.apiServerProfiles(ctx, o.profile+"-running", profileOffset, b.controller); err != nil {
			return err
		}
		rep.ControllerRunning = map[string]cpuPerCreate{}
		for _, p := range running {
			rep.ControllerRunning[p.arm] = cpuPerCreate{APIServer: p.cpuMsPerCreate(), Controller: p.controllerMsPerCreate(), Applies: p.appliesPerCreate(), Processes: p.processMsPerCreate()}
		}
	}
	fmt.Println("through the API server, pave's controller stopped ...")
	stopped, profiles, err := b.controllerStoppedArms(ctx, profileOffset)
	if err != nil {
		return err
	}
	maps.Copy(rep.APIServer, stopped)
	if len(profiles) > 0 {
		rep.APIServerCPUms, rep.ProcessCPUms = map[string]float64{}, map[string]map[string]float64{}
	}
	for _, p := range profiles {
		rep.APIServerCPUms[p.arm], rep.ProcessCPUms[p.arm] = p.cpuMsPerCreate(), p.processMsPerCreate()
	}
	if o.fill > 0 {
		fmt.Printf("memory with %d Deployments and their Pods ...\n", o.fill)
		if rep.Memory, err = b.memory(ctx, o.fill); err != nil {
			return err
		}
	}
	rep.Rows = table(rep, readCLI(o.cli))
	if o.meshOff {
		fmt.Println("the mesh is off in this run: its figures attribute the gap; the targets are with the mesh on")
	}
	printTable(rep.Rows)
	printCPU(rep.Webhook)
	printAPIServerProfiles(running, "pave's controller running")
	printAPIServerProfiles(profiles, "the controller stopped")
	fmt.Printf("pave's controller until the creates ended: %.0f companions applied, %.0f unchanged (not applied again), %.0f failed\n",
		rep.Companions["applied"], rep.Companions["unchanged"], rep.Companions["failed"])
	fmt.Printf("pave's controller was idle again %.1f s after the last create, having used %.2f ms of CPU for each Deployment created in pave's namespace\n",
		rep.CatchUpSeconds, rep.ControllerCPUms)
	fmt.Printf("the API server meanwhile, from the first create: %.2f ms of CPU for each Deployment created in the %d namespaces\n",
		rep.APIServerPhaseCPUms, len(interleavedNamespaces()))
	js, _ := json.MarshalIndent(rep, "", "  ")
	if err := os.WriteFile(o.out, append(js, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Println("figures written to", o.out)
	return nil
}
