package engine

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

const initialProgram = `package main
// EVOLVE-BLOCK-START
value = 1
// EVOLVE-BLOCK-END
func main() {}
`

var valueLine = regexp.MustCompile(`value = (-?\d+)`)

// numberTask scores a program by the integer after "value = ".
type numberTask struct {
	evaluations atomic.Int64
	crashAt     int64 // evaluation number (from 1) that returns an error
	failAt      int64 // evaluation number that finds the candidate invalid
	blockOn     int   // value whose evaluation blocks until ctx is done
	// crashIf, when set, says which evaluation numbers return an error.
	crashIf func(count int64) bool
}

func (t *numberTask) Describe(context.Context) (task.Description, error) {
	return task.Description{
		Name: "number", Language: "go", InitialProgram: initialProgram,
		Primary: "value", Direction: task.Maximize,
	}, nil
}

func (t *numberTask) Evaluate(ctx context.Context, c task.Candidate, _ int, _ int64) (task.Result, error) {
	count := t.evaluations.Add(1)
	m := valueLine.FindStringSubmatch(c.Code)
	if m == nil {
		return task.Result{Valid: false, Feedback: "no value line"}, nil
	}
	v, _ := strconv.Atoi(m[1])
	switch {
	case count == t.crashAt || t.crashIf != nil && t.crashIf(count):
		return task.Result{}, errors.New("plugin crashed")
	case t.blockOn != 0 && v == t.blockOn:
		<-ctx.Done()
		return task.Result{}, ctx.Err()
	case count == t.failAt:
		return task.Result{Valid: false, Feedback: "value is forbidden"}, nil
	}
	return task.Result{Valid: true, Metrics: map[string]float64{"value": float64(v)}}, nil
}

// incrementer is a researcher that adds one to the parent's value, or
// answers with garbage on the steps listed in garbage.
type incrementer struct {
	mu      sync.Mutex
	calls   int
	garbage map[int]bool
	err     error
}

func (p *incrementer) Name() string { return "incrementer" }

func (p *incrementer) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	p.mu.Lock()
	p.calls++
	call := p.calls
	p.mu.Unlock()
	if p.err != nil {
		return llm.Response{}, p.err
	}
	usage := llm.Usage{PromptTokens: 10, CompletionTokens: 5, CostUSD: 0.01}
	if p.garbage[call] {
		return llm.Response{Content: "I cannot help with that.", Usage: usage}, nil
	}
	m := valueLine.FindStringSubmatch(req.Parents[0].Code)
	v, _ := strconv.Atoi(m[1])
	reply := fmt.Sprintf("<name>inc-%d</name>\n<motivation>raise value to %d</motivation>\n<diff>\n<<<<<<< SEARCH\nvalue = %d\n=======\nvalue = %d\n>>>>>>> REPLACE\n</diff>\n", v+1, v+1, v, v+1)
	return llm.Response{Content: reply, Model: "inc", Usage: usage}, nil
}

func newEngine(t *testing.T, st *store.Store, tk task.Interface, p llm.Provider, mutate func(*Config)) *Engine {
	t.Helper()
	sampler, err := sampling.New("greedy", sampling.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Store: st, Task: tk, Researcher: p, Analyzer: roles.OfflineAnalyzer{}, Sampler: sampler, Workers: 2, Seed: 1}
	if mutate != nil {
		mutate(&cfg)
	}
	e, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// checkSteps asserts that steps 0..want are each stored exactly once.
func checkSteps(t *testing.T, st *store.Store, want int) []store.Node {
	t.Helper()
	nodes, err := st.Nodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, n := range nodes {
		if seen[n.Step] {
			t.Fatalf("step %d stored twice", n.Step)
		}
		seen[n.Step] = true
	}
	for s := int64(0); s <= int64(want); s++ {
		if !seen[s] {
			t.Fatalf("step %d missing; have %d nodes", s, len(nodes))
		}
	}
	if len(nodes) != want+1 {
		t.Fatalf("%d nodes, want %d", len(nodes), want+1)
	}
	return nodes
}

func TestRunImprovesAndStopsAtStepBudget(t *testing.T) {
	st := openStore(t)
	var progress []Progress
	e := newEngine(t, st, &numberTask{}, &incrementer{}, func(c *Config) {
		c.Budget.Steps = 12
		c.Progress = func(p Progress) { progress = append(progress, p) }
	})
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checkSteps(t, st, 12)
	if sum.Reason != StopSteps || sum.Done != 12 || sum.StepsThisRun != 12 {
		t.Fatalf("summary = %+v", sum)
	}
	if sum.InitialScore != 1 || sum.Best.Score <= 6 {
		t.Fatalf("initial %v best %v: greedy increments should climb", sum.InitialScore, sum.Best.Score)
	}
	if len(progress) != 13 || progress[len(progress)-1].Done != 12 {
		t.Fatalf("progress reports = %d, last %+v", len(progress), progress[len(progress)-1])
	}
	if sum.Usage.Calls != 12 || sum.Usage.CostUSD < 0.119 {
		t.Fatalf("usage = %+v", sum.Usage)
	}
	best, _ := st.Best(context.Background(), true)
	if !strings.Contains(best.Analysis, "better than") && !strings.Contains(best.Analysis, "equal") {
		t.Fatalf("best node analysis = %q", best.Analysis)
	}
}

func TestBadRepliesAndCrashesBecomeFailedNodes(t *testing.T) {
	st := openStore(t)
	// Calls 1-3 are one step's attempts (try, retry, rewrite): all garbage.
	p := &incrementer{garbage: map[int]bool{1: true, 2: true, 3: true}}
	tk := &numberTask{crashAt: 2, failAt: 3}
	e := newEngine(t, st, tk, p, func(c *Config) { c.Budget.Steps = 6; c.Workers = 1 })
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	nodes := checkSteps(t, st, 6)
	var reasons []string
	for _, n := range nodes {
		if !n.Valid {
			reasons = append(reasons, n.Error)
		}
	}
	joined := strings.Join(reasons, "\n")
	for _, want := range []string{"edit:", "plugin crashed", "value is forbidden"} {
		if !strings.Contains(joined, want) {
			t.Errorf("failure reasons %q lack %q", joined, want)
		}
	}
	// The crash is the task's failure, not the candidate's: counted apart.
	if sum.Failures < 2 || sum.InfraFailures != 1 {
		t.Fatalf("failures = %d, infrastructure failures = %d; want >= 2 and 1", sum.Failures, sum.InfraFailures)
	}
}

func TestProviderDownStopsWithoutStoringNode(t *testing.T) {
	st := openStore(t)
	e := newEngine(t, st, &numberTask{}, &incrementer{err: errors.New("connection refused")}, func(c *Config) { c.Budget.Steps = 5 })
	_, err := e.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v", err)
	}
	checkSteps(t, st, 0)
	counts, _ := st.Steps(context.Background())
	if counts.Running != 0 || counts.Done != 1 {
		t.Fatalf("counts = %+v", counts)
	}
}

func TestHardStopResumesWithoutLossOrRepeat(t *testing.T) {
	st := openStore(t)
	tk := &numberTask{blockOn: 5}
	ctx, cancel := context.WithCancel(context.Background())
	e := newEngine(t, st, tk, &incrementer{}, func(c *Config) {
		c.Budget.Steps = 10
		c.Workers = 1
		c.Progress = func(p Progress) {
			if p.Done == 3 {
				go func() {
					// Cancel once the blocking evaluation (value 5) starts.
					for tk.evaluations.Load() < 5 {
						runtime.Gosched()
					}
					cancel()
				}()
			}
		}
	})
	sum, err := e.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Reason != StopInterrupted || sum.Done != 3 {
		t.Fatalf("first run summary = %+v", sum)
	}
	tk.blockOn = 0
	before := tk.evaluations.Load()
	e2 := newEngine(t, st, tk, &incrementer{}, func(c *Config) { c.Budget.Steps = 10; c.Workers = 2 })
	sum, err = e2.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checkSteps(t, st, 10)
	if sum.Resumed != 1 || sum.StepsThisRun != 7 || sum.Done != 10 {
		t.Fatalf("resume summary = %+v", sum)
	}
	// Only the seven remaining steps were evaluated; the initial program was not.
	if got := tk.evaluations.Load() - before; got != 7 {
		t.Fatalf("evaluations on resume = %d, want 7", got)
	}
}

func TestTargetAndTokenBudgets(t *testing.T) {
	target := 4.0
	tests := []struct {
		name   string
		budget Budget
		want   StopReason
	}{
		{"target", Budget{Steps: 50, Target: &target}, StopTarget},
		{"tokens", Budget{Steps: 50, Tokens: 45}, StopTokens},
		{"usd", Budget{Steps: 50, USD: 0.03}, StopUSD},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			e := newEngine(t, st, &numberTask{}, &incrementer{}, func(c *Config) { c.Budget = tt.budget; c.Workers = 1 })
			sum, err := e.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if sum.Reason != tt.want || sum.Done >= 10 {
				t.Fatalf("summary = %+v", sum)
			}
		})
	}
}

func TestStepRandIsPerStep(t *testing.T) {
	a, b := stepRand(1, 5).Int64(), stepRand(1, 5).Int64()
	if a != b || a == stepRand(1, 6).Int64() {
		t.Fatal("step randomness is not a function of (seed, step)")
	}
}
