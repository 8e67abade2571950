package main

import (
	"fmt"
	"io"
	"net/http"

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
