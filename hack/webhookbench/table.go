package main

import (
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"
)

// row is one line of the table: a figure against its baseline and target.
type row struct {
	Figure   string  `json:"figure"`
	Value    float64 `json:"value"`
	Baseline float64 `json:"baseline"`
	Ratio    float64 `json:"ratio"`
	Target   string  `json:"target"`
	Met      bool    `json:"met"`
}

// table holds each figure to the targets of issue 13.
func table(r report, cliRatio float64) []row {
	var rows []row
	for _, arm := range webhookArmNames() {
		s, noop := r.Webhook[arm], r.Webhook["noop/"+arm]
		ratio := s.PerSecond / noop.PerSecond
		rows = append(rows,
			row{Figure: "webhook /" + arm + " req/s", Value: s.PerSecond, Baseline: noop.PerSecond, Ratio: ratio, Target: ">= 0.60x no-op", Met: ratio >= 0.6},
			row{Figure: "webhook /" + arm + " p99 ms", Value: s.P99ms, Baseline: noop.P99ms, Ratio: s.P99ms / noop.P99ms, Target: "<= 5 ms", Met: s.P99ms <= 5})
	}
	for _, arm := range webhookArmNames()[:2] {
		s, former := r.Webhook[arm], r.Webhook[formerFloor+arm]
		if former.PerSecond > 0 { // for the record: against the floor in the generator's process
			rows = append(rows, info("(floor in the generator) /"+arm+" req/s", s.PerSecond, former.PerSecond))
		}
	}
	for _, arm := range webhookArmNames() {
		// The bound on the target: the no-op handler sending pave's answer,
		// which it did not have to find.
		if patched, noop := r.Webhook[patchedFloor+arm], r.Webhook["noop/"+arm]; patched.PerSecond > 0 {
			rows = append(rows, info("(no-op sending pave's patch) /"+arm+" req/s", patched.PerSecond, noop.PerSecond))
		}
	}
	pave, floor := r.APIServer["pave"], r.APIServer["noop"]
	rows = append(rows,
		row{Figure: "API server creates/s", Value: pave.PerSecond, Baseline: floor.PerSecond, Ratio: pave.PerSecond / floor.PerSecond, Target: ">= 0.90x no-op webhooks", Met: pave.PerSecond >= 0.9*floor.PerSecond},
		row{Figure: "API server create p99 ms", Value: pave.P99ms, Baseline: floor.P99ms, Ratio: pave.P99ms / floor.P99ms, Target: "<= 1.20x no-op webhooks", Met: pave.P99ms <= 1.2*floor.P99ms},
		info("(no webhook at all) creates/s", r.APIServer["none"].PerSecond, floor.PerSecond))
	if patched := r.APIServer["noop-patched"]; patched.PerSecond > 0 {
		// The bound on the target: no-op webhooks that make pave's object.
		rows = append(rows, creates("no-op sending pave's patch", patched, floor)...)
	}
	if alone, floor := r.APIServer["pave"+stoppedSuffix], r.APIServer["noop"+stoppedSuffix]; floor.PerSecond > 0 {
		// Attribution, not a target: pave's admission without its
		// controller's writes, and the other arms in the same quiet.
		rows = append(rows, creates("controller stopped", alone, floor)...)
		if patched := r.APIServer["noop-patched"+stoppedSuffix]; patched.PerSecond > 0 {
			rows = append(rows, creates("no-op sending pave's patch, controller stopped", patched, floor)...)
		}
		if none := r.APIServer["none"+stoppedSuffix]; none.PerSecond > 0 {
			rows = append(rows, info("(no webhook at all, controller stopped) creates/s", none.PerSecond, floor.PerSecond))
		}
	}
	if unmeshed, floor := r.APIServer[armKey(nsPaveUnmeshed, unmeshedSuffix)], r.APIServer[armKey(nsNoopUnmeshed, unmeshedSuffix)]; floor.PerSecond > 0 {
		// Attribution, not a target: pave without the proxy in the
		// template, against the same Deployments through the no-op webhooks.
		rows = append(rows, creates("opted out of the mesh: no proxy", unmeshed, floor)...)
		if labelled := r.APIServer[armKey(nsNoopLabelled, unmeshedSuffix)]; labelled.PerSecond > 0 {
			// The floor of a webhook that changes anything, the same phase.
			rows = append(rows, creates("no-op adding one label, opted out of the mesh", labelled, floor)...)
		}
		if none := r.APIServer[armKey(nsNoneUnmeshed, unmeshedSuffix)]; none.PerSecond > 0 {
			rows = append(rows, info("(no webhook at all, opted out of the mesh) creates/s", none.PerSecond, floor.PerSecond))
		}
	}
	if r.Memory != nil {
		rows = append(rows,
			row{Figure: "admission RSS MiB (peak)", Value: r.Memory["admissionPeak"], Target: "<= 80 MiB", Met: r.Memory["admissionPeak"] <= 80},
			row{Figure: "controller RSS MiB (peak)", Value: r.Memory["controllerPeak"], Target: fmt.Sprintf("<= %d MiB (its limit)", controllerLimit>>20), Met: r.Memory["controllerPeak"] <= controllerLimit>>20})
	}
	if cliRatio > 0 {
		rows = append(rows, row{Figure: "pave check resources/s", Value: cliRatio, Baseline: 1, Ratio: cliRatio, Target: ">= 0.75x parse-only", Met: cliRatio >= 0.75})
	}
	return rows
}

// info is a row for the record, not a target: a figure against its
// baseline, indented under the target it bounds or attributes.
func info(figure string, value, baseline float64) row {
	return row{Figure: "  " + figure, Value: value, Baseline: baseline, Ratio: value / baseline, Target: "-", Met: true}
}

// creates are the info rows of an API-server arm against the no-op webhooks'.
func creates(label string, s, floor stats) []row {
	return []row{
		info("("+label+") creates/s", s.PerSecond, floor.PerSecond),
		info("("+label+") create p99 ms", s.P99ms, floor.P99ms),
	}
}

// webhookArmNames are the webhook arms, in the table's order.
func webhookArmNames() []string {
	return []string{"mutate", "validate", "mutate-20", "validate-20", "mutate-new", "validate-new", "mutate-20-new", "validate-20-new"}
}

// printCPU prints each webhook arm's CPU time per request, of the server and
// of the load generator, against the no-op arm's: where the ratio of
// throughputs comes from. Not a target.
func printCPU(webhook map[string]stats) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "CPU µs/request	pave server	no-op server	ratio	generator (pave)	generator (no-op)	no-op sending pave's patch	its generator	")
	for _, arm := range webhookArmNames() {
		s, noop, patched := webhook[arm], webhook["noop/"+arm], webhook[patchedFloor+arm]
		fmt.Fprintf(tw, "/%s\t%.0f\t%.0f\t%.2f\t%.0f\t%.0f\t%s\t%s\t\n", arm, s.ServerCPUus, noop.ServerCPUus, s.ServerCPUus/noop.ServerCPUus, s.ClientCPUus, noop.ClientCPUus,
			orDash(patched.ServerCPUus), orDash(patched.ClientCPUus))
	}
	_ = tw.Flush()
}

// orDash is µs rounded, or "-" for an arm not measured.
func orDash(us float64) string {
	if us == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", us)
}

func printTable(rows []row) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "figure\tvalue\tbaseline\tratio\ttarget\tmet\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%s\t%v\t\n", r.Figure, r.Value, r.Baseline, r.Ratio, r.Target, r.Met)
	}
	_ = tw.Flush()
}

// readCLI reads hack/bench's ratio of pave check's throughput to its
// parse-only baseline; 0 when there is none.
func readCLI(path string) float64 {
	if path == "" {
		return 0
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	var r struct {
		Ratio float64 `json:"fullOverBaselineTime"`
	}
	if json.Unmarshal(data, &r) != nil || r.Ratio == 0 {
		return 0
	}
	return 1 / r.Ratio // time ratio -> throughput ratio
}
