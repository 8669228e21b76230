package views

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/store"
)

var nodes = []store.Node{
	{ID: 1, Step: 0, Name: "initial", Code: "package main\n", Valid: true, Score: 1.5, Status: store.StatusOK,
		Metrics: map[string]float64{"sum_radii": 1.5, "min_gap": 0.01}},
	{ID: 2, Step: 1, Parents: []int64{1}, Name: "broken", Status: store.StatusFailed, Error: "build: syntax error",
		Metrics: map[string]float64{}},
}

func TestExportCSV(t *testing.T) {
	var b bytes.Buffer
	if err := Export(&b, nodes, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "step", "parents", "name", "valid", "status", "score", "island", "eval_ms", "error", "min_gap", "sum_radii"},
		{"1", "0", "", "initial", "true", "ok", "1.5", "0", "0", "", "0.01", "1.5"},
		{"2", "1", "1", "broken", "false", "failed", "", "0", "0", "build: syntax error", "", ""},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Fatalf("csv (-want +got):\n%s", diff)
	}
}

func TestExportJSONL(t *testing.T) {
	var b bytes.Buffer
	if err := Export(&b, nodes, "jsonl"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	var second map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatal(err)
	}
	if second["score"] != nil || second["error"] != "build: syntax error" || second["valid"] != false {
		t.Fatalf("failed node exported as %v", second)
	}
	if err := Export(&b, nodes, "xml"); err == nil {
		t.Fatal("unknown format accepted")
	}
}

func TestReportText(t *testing.T) {
	best := Summarize(nodes[0])
	r := Report{Campaign: "c", Task: "t", Dir: ".asi/c", Primary: "sum_radii", Reason: "step budget reached",
		Done: 1, Budget: 1, Failures: 1, Running: 2, Initial: &best, Best: &best, Top: []NodeSummary{best, Summarize(nodes[1])}}
	var b bytes.Buffer
	if err := (View{W: &b}).Report(r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"stopped:    step budget reached", "1 of 1 done, 1 failed, 2 unfinished", "best:       sum_radii = 1.5  (node 1, initial)", "failed", ".asi/c"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

func TestLineProgressThrottles(t *testing.T) {
	var b bytes.Buffer
	p := &lineProgress{w: &b, primary: "score", every: time.Hour}
	for i := 1; i <= 5; i++ {
		p.Update(engine.Progress{Done: i, Total: 5, Best: float64(i), HasBest: true})
	}
	p.Finish()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "step 1/5") || !strings.Contains(lines[1], "step 5/5  best score 5") {
		t.Fatalf("progress lines:\n%s", b.String())
	}
}
