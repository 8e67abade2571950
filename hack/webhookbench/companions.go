package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// companionWrites reads the controller's pave_companions_total by result
// (applied, failed, unchanged): how many server-side applies the controller
// sent the API server while the creates ran, and how many it skipped.
func (b *bench) companionWrites() (map[string]float64, error) {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", b.metricsPort))
	if err != nil {
		return nil, fmt.Errorf("the controller's metrics: %w", err)
	}
	defer resp.Body.Close()
	return companionCounts(resp.Body)
}

// companionCounts sums pave_companions_total's samples by their result label,
// from the Prometheus text exposition.
func companionCounts(metrics io.Reader) (map[string]float64, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(metrics)
	if err != nil {
		return nil, fmt.Errorf("the controller's metrics: %w", err)
	}
	out := map[string]float64{}
	for _, m := range families["pave_companions_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "result" {
				out[l.GetValue()] += m.GetCounter().GetValue()
			}
		}
	}
	return out, nil
}

// companionsCaughtUp waits until the controller's companion and namespace
// reconcilers are idle (nothing queued, no worker busy, at two readings in a
// row a quarter second apart) and returns how long that took: how far the
// companions of the last creates, their NetworkPolicies among them, lagged
// behind the creates.
func (b *bench) companionsCaughtUp(ctx context.Context, limit time.Duration) (time.Duration, error) {
	start := time.Now()
	idle := 0
	for tick := time.NewTicker(250 * time.Millisecond); idle < 2; {
		if time.Since(start) > limit {
			return 0, fmt.Errorf("the controller was still busy %s after the creates", limit)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-tick.C:
		}
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", b.metricsPort))
		if err != nil {
			return 0, fmt.Errorf("the controller's metrics: %w", err)
		}
		busy, err := reconcilersBusy(resp.Body)
		resp.Body.Close()
		if err != nil {
			return 0, err
		}
		if idle = idle + 1; busy > 0 {
			idle = 0
		}
	}
	return time.Since(start), nil
}

// reconcilersBusy sums the queued and in-progress reconciles of the
// companion and namespace controllers, from controller-runtime's
// workqueue_depth and controller_runtime_active_workers.
func reconcilersBusy(metrics io.Reader) (float64, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(metrics)
	if err != nil {
		return 0, fmt.Errorf("the controller's metrics: %w", err)
	}
	busy := 0.0
	for family, label := range map[string]string{"workqueue_depth": "name", "controller_runtime_active_workers": "controller"} {
		for _, m := range families[family].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && (strings.HasPrefix(l.GetValue(), "companions-") || l.GetValue() == "namespaces") {
					busy += m.GetGauge().GetValue()
				}
			}
		}
	}
	return busy, nil
}
