package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// controllerMetrics reads the controller's /metrics.
func (b *bench) controllerMetrics() (map[string]*dto.MetricFamily, error) {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", b.metricsPort))
	if err != nil {
		return nil, fmt.Errorf("the controller's metrics: %w", err)
	}
	defer resp.Body.Close()
	return metricFamilies(resp.Body)
}

// metricFamilies parses the Prometheus text exposition.
func metricFamilies(metrics io.Reader) (map[string]*dto.MetricFamily, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(metrics)
	if err != nil {
		return nil, fmt.Errorf("the controller's metrics: %w", err)
	}
	return families, nil
}

// companionCounts sums pave_companions_total's samples by their result label
// (applied, failed, unchanged): how many server-side applies the controller
// sent the API server, and how many it skipped.
func companionCounts(families map[string]*dto.MetricFamily) map[string]float64 {
	out := map[string]float64{}
	for _, m := range families["pave_companions_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "result" {
				out[l.GetValue()] += m.GetCounter().GetValue()
			}
		}
	}
	return out
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
		families, err := b.controllerMetrics()
		if err != nil {
			return 0, err
		}
		if idle = idle + 1; reconcilersBusy(families) > 0 {
			idle = 0
		}
	}
	return time.Since(start), nil
}

// reconcilersBusy sums the queued and in-progress reconciles of the
// companion and namespace controllers, from controller-runtime's
// workqueue_depth and controller_runtime_active_workers.
func reconcilersBusy(families map[string]*dto.MetricFamily) float64 {
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
	return busy
}
