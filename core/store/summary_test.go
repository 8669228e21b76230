package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// summaryNodes are nodes whose summaries test the cut of the error: none,
// several lines, and a first line longer than the index holds.
func summaryNodes(n int) []Node {
	var nodes []Node
	for i := range n {
		node := Node{Step: int64(i), Name: fmt.Sprintf("n%d", i), Code: strings.Repeat("x", 100), Motivation: "why",
			Analysis: fmt.Sprintf("analysis %d", i), Feedback: "fb", Metrics: map[string]float64{"score": float64(i % 7)},
			Score: float64(i % 7), Valid: i%5 != 0, Status: StatusOK, Island: i % 3, Features: []float64{float64(i)},
			Cognition: []string{"c1"}}
		if i > 0 {
			node.Parents = []int64{int64(i/2) + 1}
		}
		switch {
		case !node.Valid && i%2 == 0:
			node.Status, node.Error = StatusFailed, fmt.Sprintf("build: line %d: undefined\nmore\nlines", i)
		case !node.Valid:
			node.Status, node.Error = StatusFailed, strings.Repeat("long first line ü ", 30)+"\nsecond"
		}
		nodes = append(nodes, node)
	}
	return nodes
}

// TestEachSummaryIsTheNodeWithoutText checks every summary against the
// stored node, over more nodes than one batch reads.
func TestEachSummaryIsTheNodeWithoutText(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	nodes := summaryNodes(summaryBatch + 10)
	if err := s.AddNodes(ctx, nodes, nil); err != nil {
		t.Fatal(err)
	}
	full, err := s.Nodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []Node
	if err := s.EachSummary(ctx, func(n Node) error { got = append(got, n); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(full) {
		t.Fatalf("%d summaries, want %d", len(got), len(full))
	}
	for i, n := range full {
		want := n
		want.Name, want.Motivation, want.Code, want.Feedback, want.Analysis, want.Cognition = "", "", "", "", "", nil
		want.Error, _, _ = strings.Cut(n.Error, "\n")
		if diff := cmp.Diff(want, got[i], cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("summary of node %d (-want +got):\n%s", n.ID, diff)
		}
	}
	one, err := s.Summary(ctx, got[7].ID)
	if err != nil || !cmp.Equal(one, got[7], cmpopts.EquateEmpty()) {
		t.Fatalf("Summary(%d) = %+v, %v; want %+v", got[7].ID, one, err, got[7])
	}
	if _, err := s.Summary(ctx, 1e9); !errors.Is(err, ErrNotFound) {
		t.Fatalf("summary of a missing node: %v, want ErrNotFound", err)
	}
	stop := errors.New("enough")
	calls := 0
	err = s.EachSummary(ctx, func(Node) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("EachSummary with fn failing: %v after %d calls; want fn's error after 1", err, calls)
	}
}

// TestResumeReadsNoText checks that what a resume reads is answered from
// the indexes of migration 005, never from the rows holding code, prose
// and prompts.
func TestResumeReadsNoText(t *testing.T) {
	s := openTest(t)
	queries := map[string]string{
		"summaries": `SELECT ` + summaryColumns + ` FROM nodes INDEXED BY nodes_summary WHERE id > 0 ORDER BY id LIMIT 10`,
		"usage": `SELECT COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0),
			COALESCE(SUM(cost_usd), 0), (SELECT COUNT(*) FROM llm_calls WHERE provider = 'offline') FROM llm_calls
			WHERE provider <> 'offline'`,
		"call costs": `SELECT step, role, provider, cost_usd FROM llm_calls INDEXED BY llm_calls_cost ORDER BY step, id`,
	}
	for name, q := range queries {
		rows, err := s.db.Query("EXPLAIN QUERY PLAN " + q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, step := range plan {
			if (strings.HasPrefix(step, "SCAN") || strings.HasPrefix(step, "SEARCH")) && !strings.Contains(step, "COVERING INDEX") {
				t.Errorf("%s reads the rows: plan %q", name, plan)
			}
		}
	}
}

func TestRecentAnalyses(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	nodes := summaryNodes(12)
	nodes[11].Analysis = "  \n"
	nodes[9].Analysis = ""
	if err := s.AddNodes(ctx, nodes, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.RecentAnalyses(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []Analysis{{NodeID: 11, Step: 10, Name: "n10", Text: "analysis 10"}, {NodeID: 9, Step: 8, Name: "n8", Text: "analysis 8"},
		{NodeID: 8, Step: 7, Name: "n7", Text: "analysis 7"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("recent analyses (-want +got):\n%s", diff)
	}
	if all, _ := s.RecentAnalyses(ctx, 100); len(all) != 9 {
		t.Fatalf("%d analyses, want 9: blank ones and the initial program's left out", len(all))
	}
}

func TestEachCallCostAndAddNodes(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	nodes := summaryNodes(3)
	calls := []Call{
		{Step: 2, Role: "researcher", Provider: "a", CostUSD: 0.5, Prompt: "long prompt"},
		{Step: 1, Role: "researcher", Provider: "b", CostUSD: 0.25},
		{Step: 1, Role: "analyzer", Provider: "b", CostUSD: 0.125},
	}
	if err := s.AddNodes(ctx, nodes, calls); err != nil {
		t.Fatal(err)
	}
	var got []CallCost
	if err := s.EachCallCost(ctx, func(c CallCost) error { got = append(got, c); return nil }); err != nil {
		t.Fatal(err)
	}
	want := []CallCost{{Step: 1, Role: "researcher", Provider: "b", CostUSD: 0.25}, {Step: 1, Role: "analyzer", Provider: "b", CostUSD: 0.125},
		{Step: 2, Role: "researcher", Provider: "a", CostUSD: 0.5}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("call costs (-want +got):\n%s", diff)
	}
	counts, err := s.Steps(ctx)
	if err != nil || counts.Done != 3 {
		t.Fatalf("steps after AddNodes = %+v, %v; want 3 done", counts, err)
	}

	// A step stored twice fails the whole batch and stores none of it.
	again := summaryNodes(5)[2:]
	err = s.AddNodes(ctx, again, []Call{{Step: 3, Role: "researcher", Provider: "a"}})
	if err == nil || !strings.Contains(err.Error(), "step 2") {
		t.Fatalf("AddNodes of a stored step: %v; want an error naming step 2", err)
	}
	if all, _ := s.Nodes(ctx); len(all) != 3 {
		t.Fatalf("%d nodes after a failed AddNodes, want the 3 stored before", len(all))
	}
	if u, _ := s.Usage(ctx); u.Calls != 3 {
		t.Fatalf("usage counts %d calls after a failed AddNodes, want 3", u.Calls)
	}
}

// TestSummaryDecodersMatchEncodingJSON checks the hand decoders of the
// summaries' JSON against encoding/json, on what Commit writes and on
// what only encoding/json reads.
func TestSummaryDecodersMatchEncodingJSON(t *testing.T) {
	metrics := []map[string]float64{
		nil, {}, {"score": 0.5}, {"a": 1e-300, "b": -3, "c,d": 2, "e:f": 1e21, `q"uote`: 1, "<tag>": 2, "ünï": 3},
	}
	for _, m := range metrics {
		text, err := json.Marshal(nonNilMap(m))
		if err != nil {
			t.Fatal(err)
		}
		checkMetrics(t, string(text))
	}
	for _, text := range []string{`{ "a" : 1 }`, `{"a":1,"a":2}`, `{"a":"x"}`, `[1]`, `{"a":1`, `{"a"1}`} {
		checkMetrics(t, text)
	}
	for _, text := range []string{`[]`, `[1]`, `[1,2,3]`, `[ 1, 2 ]`, `[1.5]`, `[x]`, `{}`, `[`} {
		var want []int64
		wantErr := json.Unmarshal([]byte(text), &want)
		got, err := decodeList(text, parseInt)
		if (err != nil) != (wantErr != nil) || err == nil && !cmp.Equal(got, want, cmpopts.EquateEmpty()) {
			t.Errorf("decodeList(%q) = %v, %v; encoding/json: %v, %v", text, got, err, want, wantErr)
		}
	}
}

func checkMetrics(t *testing.T, text string) {
	t.Helper()
	var want map[string]float64
	wantErr := json.Unmarshal([]byte(text), &want)
	got, err := decodeMetrics(text, map[string]string{})
	if (err != nil) != (wantErr != nil) || err == nil && !cmp.Equal(got, want, cmpopts.EquateEmpty()) {
		t.Errorf("decodeMetrics(%q) = %v, %v; encoding/json: %v, %v", text, got, err, want, wantErr)
	}
}

func FuzzDecodeMetrics(f *testing.F) {
	for _, seed := range []string{`{}`, `{"a":1,"b":-2.5e-7}`, `{"x\"":1}`, `{"a":1`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) { checkMetrics(t, text) })
}

// BenchmarkEachSummary reads the summaries of 100k nodes (ns/op is per
// node).
func BenchmarkEachSummary(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const n = 100_000
	nodes := make([]Node, 0, n)
	for i := range n {
		node := Node{Step: int64(i), Status: StatusOK, Valid: true, Score: float64(i) / n,
			Metrics: map[string]float64{"score": float64(i) / n, "min_gap": 1e-4 * float64(i%7), "radius_std": 0.01, "center_distance": 0.3, "runtime_ms": 77.25}}
		if i > 0 {
			node.Parents = []int64{int64(i / 2)}
		}
		nodes = append(nodes, node)
	}
	if err := s.AddNodes(ctx, nodes, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		count := 0
		if err := s.EachSummary(ctx, func(Node) error { count++; return nil }); err != nil || count != n {
			b.Fatalf("%d summaries, %v", count, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/node")
}
