// Command bench measures `pave check` on a generated corpus of Deployments:
// resources per second and peak memory of the real binary, against the same
// binary's parse-only baseline (read and decode, no rules) in the same run.
// It prints a table and writes the figures as JSON.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

type measurement struct {
	Name         string  `json:"name"`
	Resources    int     `json:"resources"`
	Seconds      float64 `json:"seconds"`
	PerSecond    float64 `json:"resourcesPerSecond"`
	PeakRSSMiB   float64 `json:"peakRSSMiB"`
	ExitCode     int     `json:"exitCode"`
	RunsMeasured int     `json:"runs"`
}

type result struct {
	Corpus   string        `json:"corpus"`
	Runs     []measurement `json:"measurements"`
	Ratio    float64       `json:"fullOverBaselineTime"`
	TargetOK bool          `json:"meetsTarget"`
}

func main() {
	n := flag.Int("n", 5000, "number of Deployments in the corpus")
	paveBin := flag.String("pave", "bin/pave", "the pave binary to measure")
	out := flag.String("out", "bin/bench.json", "where to write the JSON figures")
	runs := flag.Int("runs", 5, "runs per measurement; the median counts")
	flag.Parse()

	dir, err := os.MkdirTemp("", "pave-bench-")
	must(err)
	defer os.RemoveAll(dir)
	must(writeCorpus(dir, *n, 100))

	base := measure("baseline: parse only", *paveBin, dir, *n, *runs, "--parse-only")
	full := measure("pave check (all rules)", *paveBin, dir, *n, *runs)
	res := result{Corpus: fmt.Sprintf("%d Deployments (1/3 compliant, 1/3 fixable, 1/3 denied) in %d files", *n, (*n+99)/100),
		Runs: []measurement{base, full}, Ratio: full.Seconds / base.Seconds}
	res.TargetOK = full.PerSecond >= 20000 && full.PeakRSSMiB < 150

	fmt.Printf("corpus: %s\n\n", res.Corpus)
	fmt.Printf("%-26s %10s %14s %12s\n", "", "seconds", "resources/s", "peak MiB")
	for _, m := range res.Runs {
		fmt.Printf("%-26s %10.3f %14.0f %12.1f\n", m.Name, m.Seconds, m.PerSecond, m.PeakRSSMiB)
	}
	fmt.Printf("\nfull / baseline time: %.2fx\n", res.Ratio)
	fmt.Printf("target (>= 20000 resources/s, < 150 MiB peak): %v\n", map[bool]string{true: "met", false: "NOT met"}[res.TargetOK])

	js, _ := json.MarshalIndent(res, "", "  ")
	must(os.MkdirAll(filepath.Dir(*out), 0o755))
	must(os.WriteFile(*out, append(js, '\n'), 0o644))
	fmt.Printf("figures written to %s\n", *out)
}

// measure runs the binary several times and keeps the median wall time and the
// largest peak RSS.
func measure(name, bin, dir string, n, runs int, extra ...string) measurement {
	var times []float64
	var peak int64
	code := 0
	for range runs {
		args := append([]string{"check", "-f", dir, "-o", "json"}, extra...)
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = nil, nil
		start := time.Now()
		err := cmd.Run()
		times = append(times, time.Since(start).Seconds())
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode() // 1 is expected: a third of the corpus is denied
		} else if err != nil {
			must(err)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > peak {
			peak = ru.Maxrss // KiB on Linux
		}
	}
	slices.Sort(times)
	med := times[len(times)/2]
	return measurement{Name: name, Resources: n, Seconds: med, PerSecond: float64(n) / med,
		PeakRSSMiB: float64(peak) / 1024, ExitCode: code, RunsMeasured: runs}
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
}
