package main

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
	return companionCounts(bufio.NewScanner(resp.Body))
}

// companionCounts sums pave_companions_total's samples by their result label.
func companionCounts(lines *bufio.Scanner) (map[string]float64, error) {
	out := map[string]float64{}
	for lines.Scan() {
		line := lines.Text()
		if !strings.HasPrefix(line, "pave_companions_total{") {
			continue
		}
		_, rest, _ := strings.Cut(line, `result="`)
		result, _, _ := strings.Cut(rest, `"`)
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", line, err)
		}
		out[result] += v
	}
	return out, lines.Err()
}
