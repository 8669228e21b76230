package engine

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestResumeRebuildsTheTallyFromSummaries: a resumed run reads summaries,
// not whole nodes, yet ends with the same tally as the run that stored
// the nodes, and its best node is whole (code and prose).
func TestResumeRebuildsTheTallyFromSummaries(t *testing.T) {
	st := openStore(t)
	tk := &numberTask{failAt: 3}
	budget := func(c *Config) { c.Budget.Steps = 6; c.Workers = 1 }
	first, err := newEngine(t, st, tk, &incrementer{}, budget).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	resumed, err := newEngine(t, st, tk, &incrementer{}, budget).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if resumed.StepsThisRun != 0 {
		t.Fatalf("the resumed run stored %d steps; want none (the budget was spent)", resumed.StepsThisRun)
	}
	type tally struct {
		Done, Failures           int
		InitialScore             float64
		InitialValid, HasBest    bool
		BestID                   int64
		BestCode, BestMotivation string
		BestAnalysis, BestName   string
	}
	of := func(s Summary) tally {
		return tally{s.Done, s.Failures, s.InitialScore, s.InitialValid, s.HasBest,
			s.Best.ID, s.Best.Code, s.Best.Motivation, s.Best.Analysis, s.Best.Name}
	}
	if of(first).BestCode == "" || of(first).Failures != 1 {
		t.Fatalf("first run: %+v; want a best node with code and one failure", of(first))
	}
	if diff := cmp.Diff(of(first), of(resumed)); diff != "" {
		t.Fatalf("tally after the resume (-first run +resumed):\n%s", diff)
	}
}
