package engine

import (
	"context"
	"sync"
	"time"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// budget books what LLM calls may cost against Budget.USD and says when a
// budget stops the campaign. It has its own lock, taken by every worker's
// calls; the engine may hold its own lock while it calls budget, never the
// other way round.
type budget struct {
	limits    Budget
	direction task.Direction // how Budget.Target compares

	mu        sync.Mutex // guards everything below
	started   time.Time
	usage     store.Usage       // every call ever made, this run's included
	maxCall   float64           // the dearest LLM call seen, USD
	reserved  float64           // USD booked by calls in flight
	inFlight  int               // steps claimed and not yet finished
	stepSpend map[int64]float64 // researcher and repair USD per step in flight
	// priced is set once an LLM call's cost is known (pricedCh closes);
	// pricing while the first call is out.
	priced, pricing bool
	pricedCh        chan struct{}
}

func newBudget(limits Budget, direction task.Direction) *budget {
	return &budget{limits: limits, direction: direction, stepSpend: map[int64]float64{}, pricedCh: make(chan struct{})}
}

// start begins a run: its wall clock starts and usage is what the store
// holds of earlier runs.
func (b *budget) start(usage store.Usage) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.started = time.Now()
	b.usage = usage
	if usage.Calls > 0 && !b.priced {
		// On resume the mean call stands in for the dearest until one is seen.
		b.maxCall = usage.CostUSD / float64(usage.Calls)
		b.markPriced()
	}
}

// markPriced releases the calls waiting for the first price. Callers hold mu.
func (b *budget) markPriced() {
	if !b.priced {
		b.priced = true
		close(b.pricedCh)
	}
}

// elapsed is the time since start.
func (b *budget) elapsed() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return time.Since(b.started)
}

// spent is the usage so far.
func (b *budget) spent() store.Usage {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.usage
}

// reserve books the most a call of p with req can cost against the money
// budget, or says it does not fit. A provider that bounds its calls
// (llm.MaxCost: the prompt at one token per byte, the reply at its limit,
// at the model's prices) is booked at that bound, so recorded spend never
// passes the cap while the server counts no more tokens than that. A
// provider that cannot bound a call is booked at the dearest call seen so
// far, and the first such call goes alone. Calls in flight hold their
// bookings; unreserve releases one once the call's cost is recorded.
func (b *budget) reserve(ctx context.Context, p llm.Provider, req llm.Request) (float64, bool) {
	if b.limits.USD <= 0 {
		return 0, true
	}
	est, bounded := llm.MaxCost(p, req)
	b.mu.Lock()
	defer b.mu.Unlock()
	if !bounded {
		// Until one call has been priced nothing is known: the first call
		// goes alone and the others wait for its price.
		for !b.priced && b.pricing {
			ch := b.pricedCh
			b.mu.Unlock()
			select {
			case <-ch:
			case <-ctx.Done():
				b.mu.Lock()
				return 0, false
			}
			b.mu.Lock()
		}
		if !b.priced {
			b.pricing = true
		}
		est = b.maxCall
	}
	if b.usage.CostUSD+b.reserved+est > b.limits.USD {
		return 0, false
	}
	b.reserved += est
	return est, true
}

// unreserve releases a booking made by reserve.
func (b *budget) unreserve(est float64) {
	if est == 0 {
		return
	}
	b.mu.Lock()
	b.reserved -= est
	b.mu.Unlock()
}

// affordable says whether a call of p with req would fit now, without
// booking it.
func (b *budget) affordable(ctx context.Context, p llm.Provider, req llm.Request) bool {
	est, ok := b.reserve(ctx, p, req)
	b.unreserve(est)
	return ok
}

// charge counts a model call made for step; stored says the store kept
// it, and only then does it count. Either way the call ends the wait for
// the first price.
func (b *budget) charge(step int64, c store.Call, stored bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if stored {
		b.usage.Calls++
		b.usage.PromptTokens += int64(c.PromptTokens)
		b.usage.CompletionTokens += int64(c.CompletionTokens)
		b.usage.CostUSD += c.CostUSD
		b.maxCall = max(b.maxCall, c.CostUSD)
		if c.Role == "researcher" || c.Role == "repair" {
			b.stepSpend[step] += c.CostUSD
		}
	}
	b.markPriced()
}

// chargeOffline counts an answer of the offline search operator: no
// call, tokens or money.
func (b *budget) chargeOffline() {
	b.mu.Lock()
	b.usage.Offline++
	b.mu.Unlock()
}

// settle returns what the researcher and repair calls of step cost and
// forgets the step.
func (b *budget) settle(step int64) float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	spend := b.stepSpend[step]
	delete(b.stepSpend, step)
	return spend
}

// stepLimit is the highest step number plus one that Budget.Steps allows
// (the initial program is step 0), or 0 when steps are unlimited.
func (b *budget) stepLimit() int {
	if b.limits.Steps <= 0 {
		return 0
	}
	return b.limits.Steps + 1
}

// exceeded checks the budgets other than steps before a step starts: done
// is the steps with a node and best the best valid score, if any.
func (b *budget) exceeded(done int, best float64, hasBest bool) StopReason {
	l := b.limits
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case l.Target != nil && hasBest && orient(b.direction, *l.Target) <= orient(b.direction, best):
		return StopTarget
	case l.Wall > 0 && time.Since(b.started) >= l.Wall:
		return StopWall
	case l.Tokens > 0 && b.usage.Tokens() >= l.Tokens:
		return StopTokens
	case l.USD > 0 && b.usage.CostUSD+b.stepCost(done)*float64(b.inFlight+1) > l.USD:
		// Stop before, not after: a step is only started when the steps
		// in flight and it are expected to fit in what is left.
		return StopUSD
	}
	return ""
}

// stepCost is the expected money cost of one step: the mean over the done
// steps, and never less than the dearest call. Callers hold mu.
func (b *budget) stepCost(done int) float64 {
	if done == 0 {
		return b.maxCall
	}
	return max(b.usage.CostUSD/float64(done), b.maxCall)
}

// begin and end count a step in flight, which exceeded expects to cost
// stepCost until it ends.
func (b *budget) begin() {
	b.mu.Lock()
	b.inFlight++
	b.mu.Unlock()
}

func (b *budget) end() {
	b.mu.Lock()
	b.inFlight--
	b.mu.Unlock()
}

// orient turns a primary score into "larger is better".
func orient(direction task.Direction, score float64) float64 {
	if direction == task.Minimize {
		return -score
	}
	return score
}
