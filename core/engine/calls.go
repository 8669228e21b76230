package engine

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/store"
)

// callAs makes a call to p and records it under role.
func (e *Engine) callAs(ctx context.Context, step int64, role string, p llm.Provider, req llm.Request) (llm.Response, error) {
	est, ok := e.budget.reserve(ctx, p, req)
	if !ok {
		return llm.Response{}, errOverBudget
	}
	resp, err := p.Complete(ctx, req)
	recorded := req
	recorded.Role = role
	e.record(ctx, step, providerName(p), recorded, resp, err, est)
	return resp, err
}

// providerName is the name p's calls are recorded under:
// store.OfflineProvider for the offline search operator, whose answers
// are no model's calls.
func providerName(p llm.Provider) string {
	if llm.IsOffline(p) {
		return store.OfflineProvider
	}
	return p.Name()
}

// messagesFor builds a prompt only for a provider that reads one: the
// offline search operator reads the parents, not the prose.
func messagesFor(p llm.Provider, build func() []llm.Message) []llm.Message {
	if llm.IsOffline(p) {
		return nil
	}
	return build()
}

// record stores one exchange with a role, counts it against the budget
// and releases the call's booking est (budget.reserve) once it is
// counted. Recording must outlive a hard stop: the money was spent.
//
// Within a step (runStep's ctx carries its stepRecords) a model's call is
// written while the step goes on, to its evaluation most often: the write
// is queued the moment the reply is in, as it was when the step waited
// for it, and the step waits for its calls before its node is stored and
// before it ends. Nobody waits for such a write meanwhile, so it goes in
// the order it was queued, after the writes of workers that became ready
// earlier (their turns): those are what steps wait for.
func (e *Engine) record(ctx context.Context, step int64, provider string, req llm.Request, resp llm.Response, callErr error, est float64) {
	// "[role]\ncontent\n" a message, in a buffer of the final size: the
	// prompts are tens of KB, and growing by doubling copies them again.
	var prompt strings.Builder
	size := 0
	for _, m := range req.Messages {
		size += len(m.Role) + len(m.Content) + 4
	}
	prompt.Grow(size)
	for _, m := range req.Messages {
		prompt.WriteString("[")
		prompt.WriteString(m.Role)
		prompt.WriteString("]\n")
		prompt.WriteString(m.Content)
		prompt.WriteString("\n")
	}
	c := store.Call{
		Step: step, Role: req.Role, Provider: provider, Model: resp.Model,
		PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens,
		CostUSD: resp.Usage.CostUSD, Latency: resp.Latency, Prompt: prompt.String(), Reply: resp.Content,
		CreatedAt: time.Now(), // the step's calls read back in the order they returned, however late written
	}
	if callErr != nil {
		c.Error = callErr.Error()
	}
	if provider == store.OfflineProvider {
		// No model answered: the exchange is kept for the node's record
		// (in memory until then: nothing to write now) and counted as
		// offline, never as a call, tokens or money.
		if e.cfg.Store.RecordCall(context.WithoutCancel(ctx), c) == nil {
			e.budget.chargeOffline()
		}
		e.budget.unreserve(est)
		return
	}
	write := func(ctx context.Context) {
		err := e.cfg.Store.RecordCall(ctx, c)
		e.budget.charge(step, c, err == nil)
		e.budget.unreserve(est)
	}
	if after, done, ok := recordsOf(ctx).begin(); ok {
		go func() {
			defer close(done)
			<-after // the step's calls are stored in the order they were made
			write(store.WithTurn(context.WithoutCancel(ctx), nil))
		}()
		return
	}
	write(context.WithoutCancel(ctx))
}

// stepRecords orders the calls of one step written in the background
// (record): each write waits for the one begun before it. A step waits for
// them before storing its node and closes them when it ends: a call
// recorded after that (none is, but a pass may outlive its step) is
// written before record returns.
type stepRecords struct {
	mu     sync.Mutex
	closed bool
	last   chan struct{} // closed when the last write begun has ended, and so every one before it
}

func newStepRecords() *stepRecords {
	r := &stepRecords{last: make(chan struct{})}
	close(r.last)
	return r
}

// begin starts a write: it is to wait for after, then close done when it
// ends. ok is false outside a step (r nil) and once the step has closed.
func (r *stepRecords) begin() (after <-chan struct{}, done chan struct{}, ok bool) {
	if r == nil {
		return nil, nil, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, nil, false
	}
	after, done = r.last, make(chan struct{})
	r.last = done
	return after, done, true
}

// wait returns once every write begun has ended.
func (r *stepRecords) wait() {
	r.mu.Lock()
	last := r.last
	r.mu.Unlock()
	<-last
}

// close waits for the writes begun and makes later calls write at once.
func (r *stepRecords) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.wait()
}

type stepRecordsKey struct{}

// withStepRecords returns ctx whose model calls are written in the
// background, in the order r keeps.
func withStepRecords(ctx context.Context, r *stepRecords) context.Context {
	return context.WithValue(ctx, stepRecordsKey{}, r)
}

// recordsOf returns ctx's stepRecords, or nil.
func recordsOf(ctx context.Context) *stepRecords {
	r, _ := ctx.Value(stepRecordsKey{}).(*stepRecords)
	return r
}
