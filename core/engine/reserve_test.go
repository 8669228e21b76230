package engine

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// boundedModel bounds every call at cost USD.
type boundedModel struct{ cost float64 }

func (boundedModel) Name() string { return "bounded" }
func (boundedModel) Complete(context.Context, llm.Request) (llm.Response, error) {
	return llm.Response{}, nil
}
func (m boundedModel) MaxCost(llm.Request) float64 { return m.cost }

// unboundedModel cannot bound a call.
type unboundedModel struct{}

func (unboundedModel) Name() string { return "unbounded" }
func (unboundedModel) Complete(context.Context, llm.Request) (llm.Response, error) {
	return llm.Response{}, nil
}

func TestReserveNeverOverbooksUnderConcurrency(t *testing.T) {
	b := newBudget(Budget{USD: 1}, task.Maximize)
	b.start(store.Usage{CostUSD: 0.1})
	const callers = 64
	var booked atomic.Int64
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			if _, ok := b.reserve(context.Background(), boundedModel{cost: 0.2}, llm.Request{}); ok {
				booked.Add(1)
			}
		})
	}
	wg.Wait()
	// 0.1 spent leaves room for four calls of 0.2, not five.
	if got := booked.Load(); got != 4 {
		t.Fatalf("%d of %d calls booked, want 4", got, callers)
	}
	if b.affordable(context.Background(), boundedModel{cost: 0.15}, llm.Request{}) {
		t.Fatal("a call of 0.15 is affordable with 0.9 of 1 spent or booked")
	}
	for range 4 {
		b.unreserve(0.2)
	}
	if b.reserved > 1e-12 || b.reserved < -1e-12 {
		t.Fatalf("reserved %v after every booking was released", b.reserved)
	}
	if !b.affordable(context.Background(), boundedModel{cost: 0.9}, llm.Request{}) {
		t.Fatal("a call of 0.9 is not affordable with 0.1 of 1 spent")
	}
}

func TestReserveWithoutMoneyBudgetBooksNothing(t *testing.T) {
	b := newBudget(Budget{}, task.Maximize)
	est, ok := b.reserve(context.Background(), boundedModel{cost: 1e6}, llm.Request{})
	if !ok || est != 0 || b.reserved != 0 {
		t.Fatalf("reserve = %v, %v; reserved %v; want 0, true, 0", est, ok, b.reserved)
	}
}

func TestFirstUnboundedCallGoesAlone(t *testing.T) {
	ctx := context.Background()
	b := newBudget(Budget{USD: 1}, task.Maximize)
	first, ok := b.reserve(ctx, unboundedModel{}, llm.Request{})
	if !ok || first != 0 {
		t.Fatalf("first call: %v, %v; want booked at 0 (nothing priced yet)", first, ok)
	}
	second := make(chan float64, 1)
	go func() {
		est, ok := b.reserve(ctx, unboundedModel{}, llm.Request{})
		if !ok {
			est = -1
		}
		second <- est
	}()
	select {
	case est := <-second:
		t.Fatalf("second call booked (%v) before the first was priced", est)
	case <-time.After(50 * time.Millisecond):
	}
	b.charge(1, store.Call{Role: "researcher", CostUSD: 0.3}, true)
	b.unreserve(first)
	select {
	case est := <-second:
		if est != 0.3 {
			t.Fatalf("second call booked at %v, want the dearest call seen, 0.3", est)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("second call still waits after the first was priced")
	}

	// A waiting call gives up when its context ends.
	waiting := newBudget(Budget{USD: 1}, task.Maximize)
	waiting.reserve(ctx, unboundedModel{}, llm.Request{})
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, ok := waiting.reserve(cancelled, unboundedModel{}, llm.Request{}); ok {
		t.Fatal("a cancelled wait for the first price booked a call")
	}
}

func TestResumeStandsTheMeanCallInForTheDearest(t *testing.T) {
	b := newBudget(Budget{USD: 10}, task.Maximize)
	b.start(store.Usage{Calls: 4, CostUSD: 2})
	est, ok := b.reserve(context.Background(), unboundedModel{}, llm.Request{})
	if !ok || est != 0.5 {
		t.Fatalf("reserve = %v, %v; want 0.5 (the mean of 4 calls costing 2), true", est, ok)
	}
}

func TestChargeCountsUsageAndStepSpend(t *testing.T) {
	b := newBudget(Budget{}, task.Maximize)
	b.charge(3, store.Call{Role: "researcher", PromptTokens: 10, CompletionTokens: 5, CostUSD: 0.25}, true)
	b.charge(3, store.Call{Role: "repair", CostUSD: 0.5}, true)
	b.charge(3, store.Call{Role: "judge", CostUSD: 1}, true)
	b.charge(3, store.Call{Role: "researcher", CostUSD: 8}, false) // not stored: not counted
	b.chargeOffline()
	u := b.spent()
	if u.Calls != 3 || u.Tokens() != 15 || u.CostUSD != 1.75 || u.Offline != 1 {
		t.Fatalf("usage = %+v", u)
	}
	if b.maxCall != 1 {
		t.Fatalf("dearest call %v, want 1", b.maxCall)
	}
	if got := b.settle(3); got != 0.75 {
		t.Fatalf("step 3 researcher and repair spend %v, want 0.75", got)
	}
	if got := b.settle(3); got != 0 {
		t.Fatalf("settled step 3 again: %v, want 0", got)
	}
}

func TestBudgetStopChecks(t *testing.T) {
	target := 10.0
	tests := []struct {
		name     string
		limits   Budget
		dir      task.Direction
		usage    store.Usage
		done     int
		inFlight int
		best     float64
		hasBest  bool
		wall     time.Duration // since start
		want     StopReason
	}{
		{name: "nothing set", want: ""},
		{name: "target reached", limits: Budget{Target: &target}, dir: task.Maximize, best: 10, hasBest: true, want: StopTarget},
		{name: "target short", limits: Budget{Target: &target}, dir: task.Maximize, best: 9, hasBest: true},
		{name: "target reached minimizing", limits: Budget{Target: &target}, dir: task.Minimize, best: 9, hasBest: true, want: StopTarget},
		{name: "target without a valid node", limits: Budget{Target: &target}, dir: task.Minimize, best: 0},
		{name: "wall", limits: Budget{Wall: time.Minute}, wall: 2 * time.Minute, want: StopWall},
		{name: "tokens", limits: Budget{Tokens: 100}, usage: store.Usage{PromptTokens: 60, CompletionTokens: 40}, want: StopTokens},
		{name: "tokens left", limits: Budget{Tokens: 101}, usage: store.Usage{PromptTokens: 60, CompletionTokens: 40}},
		// Two steps done cost 0.2 each: a third fits in 0.5 only alone.
		{name: "money for one more step", limits: Budget{USD: 0.65}, usage: store.Usage{CostUSD: 0.4}, done: 2},
		{name: "money with a step in flight", limits: Budget{USD: 0.65}, usage: store.Usage{CostUSD: 0.4}, done: 2, inFlight: 1, want: StopUSD},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBudget(tt.limits, tt.dir)
			b.start(tt.usage)
			b.started = b.started.Add(-tt.wall)
			b.maxCall = 0 // the mean step cost decides, not the resumed mean call
			for range tt.inFlight {
				b.begin()
			}
			if got := b.exceeded(tt.done, tt.best, tt.hasBest); got != tt.want {
				t.Fatalf("exceeded = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStepLimitCountsTheInitialProgram(t *testing.T) {
	if got := newBudget(Budget{Steps: 5}, task.Maximize).stepLimit(); got != 6 {
		t.Fatalf("step limit %d, want 6", got)
	}
	if got := newBudget(Budget{}, task.Maximize).stepLimit(); got != 0 {
		t.Fatalf("unlimited step limit %d, want 0", got)
	}
}
