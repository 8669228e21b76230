package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// printingTask is a Python task with a hole. Its programs print a list
// holding their value (the "stdout" artifact); the honest programs are
// the engine tests' "value = N" ones. Any other program is run by
// trusting every number it prints: its score is the largest, checked
// against nothing, as an evaluator that forgets its constraints does.
type printingTask struct {
	numberTask
	attacks atomic.Int64 // evaluations of programs that are not honest
}

var printedNumber = regexp.MustCompile(`-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?`)

func (t *printingTask) Describe(ctx context.Context) (task.Description, error) {
	d, _ := t.numberTask.Describe(ctx)
	d.Language, d.Statement = "python", "Print the largest value you can honestly reach."
	return d, nil
}

func (t *printingTask) Evaluate(ctx context.Context, c task.Candidate, stage int, seed int64) (task.Result, error) {
	if valueLine.MatchString(c.Code) {
		res, err := t.numberTask.Evaluate(ctx, c, stage, seed)
		if err == nil && res.Valid {
			res.Artifacts = map[string][]byte{"stdout": fmt.Appendf(nil, "[%g]\n", res.Metrics["value"])}
		}
		return res, err
	}
	t.attacks.Add(1)
	best := math.Inf(-1)
	for _, s := range printedNumber.FindAllString(c.Code, -1) {
		if v, err := strconv.ParseFloat(s, 64); err == nil && v > best {
			best = v
		}
	}
	if math.IsInf(best, -1) {
		return task.Result{Valid: false, Feedback: "printed no number"}, nil
	}
	return task.Result{Valid: true, Metrics: map[string]float64{"value": best}, Feedback: "all checks passed"}, nil
}

func runAttacked(t *testing.T, st *store.Store, tk task.Interface, steps int, a *Audit) Summary {
	t.Helper()
	e := newEngine(t, st, tk, &incrementer{}, func(c *Config) {
		c.Workers, c.Budget.Steps, c.Audit = 1, steps, a
	})
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return sum
}

func redteamEvents(t *testing.T, st *store.Store) []store.Event {
	t.Helper()
	events, err := st.EventsOfKind(context.Background(), store.EventRedteam)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

func TestRedteamFindsTheEvaluatorsHoleAndStoresIt(t *testing.T) {
	ctx := context.Background()
	tk := &printingTask{}
	st := openStore(t)
	sum := runAttacked(t, st, tk, 3, &Audit{Redteam: &RedteamAudit{Budget: 10}})
	if sum.Best.Score != 4 {
		t.Fatalf("best = %v; want 4 (values 1 to 4)", sum.Best.Score)
	}
	if tk.attacks.Load() == 0 {
		t.Fatal("no attack program was evaluated")
	}
	findings, err := st.Findings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) == 0 {
		t.Fatal("no finding stored: the evaluator trusts whatever the program prints")
	}
	bestID := sum.Best.ID
	var againstBest bool
	for _, f := range findings {
		if f.Source != store.FindingSourceAudit || f.Attack == "" || f.Code == "" || f.Score <= f.Bound || f.BoundText == "" {
			t.Errorf("finding %+v; want an audit finding with its attack, code, and a score past its bound", f)
		}
		againstBest = againstBest || f.NodeID == bestID
	}
	if !againstBest {
		t.Errorf("no finding against the best node %d: %+v", bestID, findings)
	}
	// The task has no held-out stage and the audit no judge: the pass runs
	// the red team alone, and stores no empty audits.
	if audits, err := st.Audits(ctx); err != nil || len(audits) != 0 {
		t.Errorf("audits = %+v, %v; want none: nothing was re-scored", audits, err)
	}
	// Each new best is attacked once; the pass leaves its event.
	events := redteamEvents(t, st)
	seen := map[int64]bool{}
	for _, e := range events {
		if seen[e.NodeID] {
			t.Errorf("node %d attacked twice: %+v", e.NodeID, events)
		}
		seen[e.NodeID] = true
	}
	if !seen[bestID] || !strings.Contains(events[len(events)-1].Message, "FINDING") {
		t.Errorf("redteam events = %+v; want one for the best node %d saying it found something", events, bestID)
	}

	// A resumed campaign does not attack the same best again.
	before := tk.attacks.Load()
	runAttacked(t, st, tk, 3, &Audit{Redteam: &RedteamAudit{Budget: 10}})
	if got := tk.attacks.Load(); got != before {
		t.Errorf("the resumed run evaluated %d attack program(s); want none, its best was attacked", got-before)
	}
	if got := redteamEvents(t, st); len(got) != len(events) {
		t.Errorf("redteam events after resuming = %d; want still %d", len(got), len(events))
	}
	// A new best after the resume is attacked.
	runAttacked(t, st, tk, 4, &Audit{Redteam: &RedteamAudit{Budget: 10}})
	if got := redteamEvents(t, st); len(got) != len(events)+1 || got[len(got)-1].NodeID != store.NodeID(4) {
		t.Errorf("redteam events after one more step = %+v; want one more, for node %d", got, store.NodeID(4))
	}
}

func TestRedteamKnownBestBoundsTheFindings(t *testing.T) {
	tk := &printingTask{}
	st := openStore(t)
	// Nothing honest scores past 1e6; the evaluator still accepts 1e300.
	known := 1e6
	runAttacked(t, st, tk, 1, &Audit{Redteam: &RedteamAudit{Budget: -1, KnownBest: &known}})
	findings, err := st.Findings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) == 0 {
		t.Fatal("no finding past the declared known best")
	}
	for _, f := range findings {
		if f.Bound != known || f.Score <= known || f.BoundText != "the declared known best" {
			t.Errorf("finding %s scored %v against bound %v (%s); want past the known best %v", f.Attack, f.Score, f.Bound, f.BoundText, known)
		}
	}
}

func TestNoRedteamWithoutAttacks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		audit *Audit
	}{
		{"no audit", nil},
		{"audit without attacks", &Audit{Top: 1, Judge: &auditJudge{reply: "VERDICT: clean\nREASON: fine"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := &printingTask{}
			st := openStore(t)
			runAttacked(t, st, tk, 2, tc.audit)
			if n := tk.attacks.Load(); n != 0 {
				t.Errorf("%d attack program(s) evaluated; want none", n)
			}
			if events := redteamEvents(t, st); len(events) != 0 {
				t.Errorf("redteam events %+v; want none", events)
			}
			if fs, err := st.Findings(context.Background()); err != nil || len(fs) != 0 {
				t.Errorf("findings = %v, %v; want none", fs, err)
			}
		})
	}
}

// downAdversary is a model that is not there.
type downAdversary struct{ calls atomic.Int64 }

func (d *downAdversary) Name() string { return "down" }
func (d *downAdversary) Complete(context.Context, llm.Request) (llm.Response, error) {
	d.calls.Add(1)
	return llm.Response{}, errors.New("connection refused")
}

// TestRedteamThatCannotFinishIsAWarningNotALostCampaign: a pass whose
// adversary fails stores nothing, warns, and is tried again; the run and
// the audit's other work go on.
func TestRedteamThatCannotFinishIsAWarningNotALostCampaign(t *testing.T) {
	tk := &printingTask{}
	st := openStore(t)
	adversary := &downAdversary{}
	sum := runAttacked(t, st, tk, 2, &Audit{Redteam: &RedteamAudit{Budget: -1, Adversary: adversary}})
	if sum.Done != 2 || sum.Best.Score != 3 {
		t.Fatalf("summary %+v; want the 2 steps done and best 3 despite the red team", sum)
	}
	if events := redteamEvents(t, st); len(events) != 0 {
		t.Errorf("redteam events %+v; want none: no pass finished", events)
	}
	if fs, _ := st.Findings(context.Background()); len(fs) != 0 {
		t.Errorf("findings %+v stored by passes that did not finish", fs)
	}
	warnings, err := st.EventsOfKind(context.Background(), "warning")
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) == 0 || !strings.Contains(warnings[0].Message, "red team: node") || !strings.Contains(warnings[0].Message, "connection refused") {
		t.Errorf("warnings = %+v; want the red team's, naming the node and the cause", warnings)
	}
	// The best node's pass failed when it became the best and is tried
	// again at the end of the run.
	var bestTries int
	for _, w := range warnings {
		if strings.HasPrefix(w.Message, fmt.Sprintf("red team: node %d:", sum.Best.ID)) {
			bestTries++
		}
	}
	if bestTries < 2 {
		t.Errorf("the best node's failed pass was tried %d time(s); want it tried again: %+v", bestTries, warnings)
	}
	var adversaryCalls int
	for id := int64(1); id <= 3; id++ {
		calls, err := st.Calls(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range calls {
			if c.Role == "adversary" {
				adversaryCalls++
			}
		}
	}
	if adversaryCalls == 0 {
		t.Error("the adversary's calls are not recorded with the campaign's calls")
	}
}
