package engine

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// turnLog keeps, in order, when the turn of each call's context began;
// -1 for a call made without a turn.
type turnLog struct {
	mu    sync.Mutex
	began []time.Duration
}

func (l *turnLog) note(ctx context.Context) {
	b := time.Duration(-1)
	if turn := store.TurnOf(ctx); turn != nil {
		b = turn.Began()
	}
	l.mu.Lock()
	l.began = append(l.began, b)
	l.mu.Unlock()
}

func (l *turnLog) all() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Duration(nil), l.began...)
}

// turnTask notes the turn of each candidate's evaluation as it starts.
type turnTask struct {
	numberTask
	log turnLog
}

func (t *turnTask) Evaluate(ctx context.Context, c task.Candidate, stage int, seed int64) (task.Result, error) {
	if c.NodeID != store.NodeID(0) {
		t.log.note(ctx)
		time.Sleep(time.Millisecond) // a turn begun after this evaluation begins later
	}
	return t.numberTask.Evaluate(ctx, c, stage, seed)
}

// TestWritesAreOrderedByWhenTheWorkerBecameReady checks the turns that
// order a step's writes in the store's queue (store.Turn): every model
// call (whose record is a write) is made with the worker's turn; a step's
// evaluation begins the turn anew, so the analysis after it is ordered by
// when the evaluation returned; and the next step's first call keeps that
// turn, ready since the last evaluation rather than since its claim.
func TestWritesAreOrderedByWhenTheWorkerBecameReady(t *testing.T) {
	const steps = 4
	tk := &turnTask{}
	var research, analysis turnLog
	watch := func(l *turnLog) func(context.Context, llm.Request) {
		return func(ctx context.Context, _ llm.Request) { l.note(ctx) }
	}
	analyzer := fixedReply("The edit raised the value.\nInsight: raising the value by one helps.")
	e := newEngine(t, openStore(t), tk, watchedModel{&incrementer{}, watch(&research)}, func(c *Config) {
		c.Workers, c.Budget.Steps = 1, steps
		c.Analyzer = roles.LLMAnalyzer{Provider: watchedModel{analyzer, watch(&analysis)}}
	})
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.StepsThisRun != steps {
		t.Fatalf("%d steps run, want %d (%s)", sum.StepsThisRun, steps, sum.Reason)
	}
	designed, evaluated, analysed := research.all(), tk.log.all(), analysis.all()
	if len(designed) != steps || len(evaluated) != steps || len(analysed) != steps {
		t.Fatalf("%d research calls, %d evaluations, %d analyses; want %d each", len(designed), len(evaluated), len(analysed), steps)
	}
	for i := range steps {
		if designed[i] < 0 || evaluated[i] < 0 || analysed[i] < 0 {
			t.Fatalf("step %d: a call without the worker's turn (research %v, evaluation %v, analysis %v)",
				i+1, designed[i], evaluated[i], analysed[i])
		}
		if evaluated[i] != designed[i] {
			t.Errorf("step %d: the turn changed between design (%v) and evaluation (%v)", i+1, designed[i], evaluated[i])
		}
		if analysed[i] <= evaluated[i] {
			t.Errorf("step %d: the analysis's turn began at %v, not after the evaluation's start (%v)", i+1, analysed[i], evaluated[i])
		}
		if i+1 < steps && designed[i+1] != analysed[i] {
			t.Errorf("step %d: the next step's design has turn %v, want the turn its worker began after step %d's evaluation (%v)",
				i+1, designed[i+1], i+1, analysed[i])
		}
	}
}
