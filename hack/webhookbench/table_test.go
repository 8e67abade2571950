package main

import "testing"

func TestTableHoldsTheTargetArmAndAttributesTheRest(t *testing.T) {
	r := report{APIServer: map[string]stats{
		"pave": {PerSecond: 72, P99ms: 130}, "noop": {PerSecond: 100, P99ms: 100}, "none": {PerSecond: 150},
		// The keys interleavedCreates gives the phase's namespaces.
		armKey(nsPaveUnmeshed, unmeshedSuffix): {PerSecond: 93, P99ms: 110}, armKey(nsNoopUnmeshed, unmeshedSuffix): {PerSecond: 100, P99ms: 100},
		armKey(nsNoneUnmeshed, unmeshedSuffix): {PerSecond: 200}, armKey(nsNoopLabelled, unmeshedSuffix): {PerSecond: 85, P99ms: 120},
	}}
	rows := map[string]row{}
	for _, r := range table(r, 0) {
		rows[r.Figure] = r
	}
	target := rows["API server creates/s"]
	if target.Ratio != 0.72 || target.Met {
		t.Errorf("the target's row = %+v, want 0.72x, not met", target)
	}
	unmeshed, ok := rows["  (opted out of the mesh: no proxy) creates/s"]
	if !ok {
		t.Fatalf("no row for the Deployments opted out of the mesh; rows: %v", rows)
	}
	// Against the no-op webhooks of its own phase, and never a target: it
	// attributes the gap, and must not stand in for the target's figure.
	if unmeshed.Ratio != 0.93 || unmeshed.Target != "-" {
		t.Errorf("the opted-out row = %+v, want 0.93x against its own phase's no-op, no target", unmeshed)
	}
	if none := rows["  (no webhook at all, opted out of the mesh) creates/s"]; none.Ratio != 2 {
		t.Errorf("no webhook in the opted-out phase = %+v, want 2x its no-op", none)
	}

	// The floor of any change, against the same phase's no-op: no target.
	if labelled := rows["  (no-op adding one label, opted out of the mesh) creates/s"]; labelled.Ratio != 0.85 || labelled.Target != "-" {
		t.Errorf("the one-label row = %+v, want 0.85x against its own phase's no-op, no target", labelled)
	}

	delete(r.APIServer, armKey(nsNoopUnmeshed, unmeshedSuffix)) // a run with the mesh off has no such phase
	for _, got := range table(r, 0) {
		if got.Figure == unmeshed.Figure {
			t.Errorf("a row for a phase that did not run: %+v", got)
		}
	}
}

func TestArmKeyNamesAnArmOnceInEachPhase(t *testing.T) {
	for _, c := range []struct{ ns, suffix, want string }{
		{nsNoop, "", "noop"},
		{nsNoop, stoppedSuffix, "noop-controller-stopped"},
		// the opted-out phase's own namespaces are keyed as their arms
		{nsNoopUnmeshed, unmeshedSuffix, "noop-unmeshed"},
		{nsNoneUnmeshed, unmeshedSuffix, "none-unmeshed"},
		{nsPaveUnmeshed, unmeshedSuffix, "pave-unmeshed"},
		{nsNoopLabelled, unmeshedSuffix, "noop-labelled-unmeshed"},
	} {
		if got := armKey(c.ns, c.suffix); got != c.want {
			t.Errorf("armKey(%q, %q) = %q, want %q", c.ns, c.suffix, got, c.want)
		}
	}
}
