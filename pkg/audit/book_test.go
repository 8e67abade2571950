package audit

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// builtIn is the built-in policy, compiled once.
var builtIn = policy.Default()

func denial(ns, name, rule, user string, at time.Time) Record {
	rec, _ := New(builtIn, Request{Time: at, User: user, Operation: "CREATE", APIVersion: "apps/v1", Kind: "Deployment", Namespace: ns, Name: name},
		[]policy.Violation{violation(rule, v1alpha1.ModeEnforce)})
	return rec
}

// 1,000 denials of the same workload are one result with count 1,000, the
// last user and the last time; another workload is another result.
func TestBookAggregates(t *testing.T) {
	b := NewBook(100)
	for i := range 1000 {
		b.Add(denial("shop", "api", "registry", fmt.Sprintf("user-%d", i), t0.Add(time.Duration(i)*time.Second)))
	}
	b.Add(denial("shop", "web", "registry", "bob", t0))
	got := b.Drain()["shop"]
	if len(got) != 2 {
		t.Fatalf("%d results, want 2", len(got))
	}
	for _, r := range got {
		if r.Name == "api" && (r.Count != 1000 || r.LastUser != "user-999" || !r.LastSeen.Equal(t0.Add(999*time.Second)) || !r.FirstSeen.Equal(t0) || r.Outcome != policy.OutcomeDeny) {
			t.Errorf("api: %+v", r)
		}
	}
	if b.Len() != 0 || len(b.Drain()) != 0 {
		t.Error("draining left results behind")
	}
}

// A flood of distinct findings holds the book at its bound and counts what
// it drops.
func TestBookIsBounded(t *testing.T) {
	b := NewBook(50)
	dropped := 0
	for i := range 200 {
		dropped += b.Add(denial("shop", fmt.Sprintf("w%d", i), "registry", "mallory", t0))
	}
	if b.Len() != 50 || dropped != 150 {
		t.Errorf("%d held, %d dropped; want 50 and 150", b.Len(), dropped)
	}
}

// Merging deltas from several replicas adds their counts; the report keeps
// its cap, the most recently seen findings first, and passes go before
// findings.
func TestMergeAndTrim(t *testing.T) {
	one := NewBook(10)
	one.Add(denial("shop", "api", "registry", "alice", t0))
	two := NewBook(10)
	two.Add(denial("shop", "api", "registry", "bob", t0.Add(time.Minute)))
	two.Add(denial("shop", "api", "registry", "bob", t0.Add(2*time.Minute)))
	results := Merge(nil, one.Drain()["shop"], 10)
	results = Merge(results, two.Drain()["shop"], 10)
	if len(results) != 1 || results[0].Count != 3 || results[0].LastUser != "bob" || !results[0].FirstSeen.Equal(t0) {
		t.Fatalf("merged %+v", results)
	}
	pass := Result{Key: Key{Category: CategoryBackground, Kind: "Deployment", Name: "ok"}, Outcome: OutcomePass, Count: 1, LastSeen: t0.Add(time.Hour)}
	old := Result{Key: Key{Category: CategoryAdmission, Rule: "probes", Kind: "Deployment", Name: "old"}, Outcome: policy.OutcomeWarn, Count: 1, LastSeen: t0.Add(-time.Hour)}
	results = Replace(append(results, old), CategoryBackground, []Result{pass}, 2)
	if len(results) != 2 || results[0].Name != "api" || results[1].Name != "old" {
		t.Errorf("trimmed to %+v; want the two findings, newest first, and the pass dropped", results)
	}
}

// The size budget of docs/audit.md: 100,000 denials spread over 2,000
// workloads and 5 rules, each with the longest names and texts (of
// characters JSON escapes), make a report of maxResults results whose stored
// size stays under 1.3 KiB a result: 650 KiB at the default cap (500), 1.3 MiB
// at the largest (1,000), below etcd's 1.5 MiB object limit.
func TestReportSizeBudget(t *testing.T) {
	long := strings.Repeat("<&>", 2000) // each escapes to six bytes in JSON
	for _, c := range []struct {
		max    int
		budget int
	}{{500, 650 << 10}, {1000, 1300 << 10}} {
		b := NewBook(10_000)
		var results []Result
		for i := range 100_000 {
			rec := denial("shop", fmt.Sprintf("%s-%04d", strings.Repeat("w", 248), i%2000), fmt.Sprintf("rule-%d", i%5),
				"system:serviceaccount:team-shop-with-a-long-name:deployer", t0.Add(time.Duration(i)*time.Millisecond))
			rec.Findings[0].Message, rec.Findings[0].Fix, rec.Findings[0].Field, rec.User = long, long, long, long
			b.Add(rec)
			if b.Len() == 10_000 || i == 99_999 {
				results = Merge(results, b.Drain()["shop"], c.max)
			}
		}
		if len(results) != c.max {
			t.Fatalf("max %d: %d results", c.max, len(results))
		}
		for _, rep := range []any{OpenReport("shop", results), PolicyReport("shop", results)} {
			js, err := json.Marshal(rep)
			if err != nil {
				t.Fatal(err)
			}
			if len(js) > c.budget {
				t.Errorf("max %d: %T is %d KiB, over the budget of %d KiB", c.max, rep, len(js)>>10, c.budget>>10)
			}
			t.Logf("max %d: %T %d KiB", c.max, rep, len(js)>>10)
		}
	}
}
