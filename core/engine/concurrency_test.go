package engine

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// gate holds each caller until want callers are inside at once, or until
// its patience runs out. Around a call the engine makes with a lock held,
// only one caller gets in at a time: the first waits out the patience and
// peak stays below want.
type gate struct {
	want    int
	full    chan struct{} // closed once want callers were inside at once
	expired chan struct{} // closed when the patience ran out

	mu     sync.Mutex
	inside int
	peak   int
}

func newGate(want int, patience time.Duration) *gate {
	g := &gate{want: want, full: make(chan struct{}), expired: make(chan struct{})}
	time.AfterFunc(patience, func() { close(g.expired) })
	return g
}

// pass waits at the gate.
func (g *gate) pass(ctx context.Context) {
	g.mu.Lock()
	g.inside++
	if g.inside > g.peak {
		g.peak = g.inside
		if g.peak == g.want {
			close(g.full)
		}
	}
	g.mu.Unlock()
	select {
	case <-g.full:
	case <-g.expired:
	case <-ctx.Done():
	}
	g.mu.Lock()
	g.inside--
	g.mu.Unlock()
}

// reached is the most callers that were inside at once.
func (g *gate) reached() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak
}

// gatedTask is numberTask whose evaluations of candidates (not of the
// initial program, which runs alone) wait at a gate.
type gatedTask struct {
	numberTask
	gate *gate
}

func (t *gatedTask) Evaluate(ctx context.Context, c task.Candidate, stage int, seed int64) (task.Result, error) {
	if c.NodeID != store.NodeID(0) {
		t.gate.pass(ctx)
	}
	return t.numberTask.Evaluate(ctx, c, stage, seed)
}

// gatedProvider waits at a gate before each answer of its inner provider.
type gatedProvider struct {
	llm.Provider
	gate *gate
}

func (p gatedProvider) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	p.gate.pass(ctx)
	return p.Provider.Complete(ctx, req)
}

// fixedReply answers every request with the same text, as a model would
// (it is not the offline operator, so prompts are built and calls
// recorded).
type fixedReply string

func (fixedReply) Name() string { return "fixed" }

func (r fixedReply) Complete(context.Context, llm.Request) (llm.Response, error) {
	return llm.Response{Content: string(r), Model: "fixed", Usage: llm.Usage{PromptTokens: 10, CompletionTokens: 5}}, nil
}

// gatedCognition is a cognition base with nothing to show whose
// retrievals or write-backs wait at a gate.
type gatedCognition struct {
	retrieve, writeBack *gate // nil: that call passes at once
}

func (c gatedCognition) Retrieve(ctx context.Context, _ []string, _ int, _ float64) ([]cognition.Hit, error) {
	if c.retrieve != nil {
		c.retrieve.pass(ctx)
	}
	return nil, nil
}

func (c gatedCognition) WriteBack(ctx context.Context, it cognition.Item) (cognition.WriteResult, error) {
	if c.writeBack != nil {
		c.writeBack.pass(ctx)
	}
	return cognition.WriteResult{ID: it.ID}, nil
}

// TestNoLockHeldAcrossEvaluationsOrModelCalls runs one step on each of
// many workers, with one kind of call held at a gate until every worker
// is inside it at once: the task's evaluation, each role's model call,
// and the cognition base's retrieval and write-back (which embed, a model
// call too). An engine that held a lock across that call would let one
// worker in at a time, and the gate would wait out its patience.
func TestNoLockHeldAcrossEvaluationsOrModelCalls(t *testing.T) {
	const workers = 32
	const patience = 15 * time.Second
	analysis := fixedReply("The edit raised the value.\nInsight: raising the value by one helps.")
	tests := []struct {
		name  string
		setup func(c *Config, g *gate)
	}{
		{"evaluation", func(c *Config, g *gate) { c.Task = &gatedTask{gate: g} }},
		{"researcher", func(c *Config, g *gate) { c.Researcher = gatedProvider{c.Researcher, g} }},
		{"analyzer", func(c *Config, g *gate) { c.Analyzer = roles.LLMAnalyzer{Provider: gatedProvider{analysis, g}} }},
		{"judge", func(c *Config, g *gate) {
			c.Judge = &Judge{Provider: gatedProvider{fixedReply("correctness: 7\nclarity: 8"), g}, Weight: 0.5}
		}},
		{"cognition retrieval", func(c *Config, g *gate) { c.Cognition = gatedCognition{retrieve: g} }},
		{"cognition write-back", func(c *Config, g *gate) {
			c.Analyzer = roles.LLMAnalyzer{Provider: analysis}
			c.Cognition = gatedCognition{writeBack: g}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGate(workers, patience)
			st := openStore(t)
			e := newEngine(t, st, &numberTask{}, &incrementer{}, func(c *Config) {
				c.Workers, c.Budget.Steps = workers, workers
				tt.setup(c, g)
			})
			start := time.Now()
			sum, err := e.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if sum.StepsThisRun != workers {
				t.Fatalf("%d steps run, want %d (%s)", sum.StepsThisRun, workers, sum.Reason)
			}
			if got := g.reached(); got != workers {
				t.Fatalf("at most %d of %d workers were inside the %s at once (waited %s): a lock serialises it",
					got, workers, tt.name, time.Since(start).Round(time.Millisecond))
			}
		})
	}
}

// TestGateSeesSerialisedCalls checks the gate itself: calls made one at a
// time never fill it, and it lets them through once its patience is out.
func TestGateSeesSerialisedCalls(t *testing.T) {
	g := newGate(3, 50*time.Millisecond)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			g.pass(context.Background())
		}()
	}
	wg.Wait()
	if got := g.reached(); got != 1 {
		t.Fatalf("serialised calls: %d inside at once, want 1", got)
	}
	g = newGate(3, time.Minute)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.pass(context.Background())
		}()
	}
	wg.Wait()
	if got := g.reached(); got != 3 {
		t.Fatalf("concurrent calls: %d inside at once, want 3", got)
	}
}
