package engine

import (
	"context"
	"strings"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/store"
)

// callAs makes a call to p and records it under role.
func (e *Engine) callAs(ctx context.Context, step int64, role string, p llm.Provider, req llm.Request) (llm.Response, error) {
	est, ok := e.budget.reserve(ctx, p, req)
	if !ok {
		return llm.Response{}, errOverBudget
	}
	defer e.budget.unreserve(est)
	resp, err := p.Complete(ctx, req)
	recorded := req
	recorded.Role = role
	e.record(ctx, step, providerName(p), recorded, resp, err)
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

// record stores one exchange with a role and counts it against the
// budget. Recording must outlive a hard stop: the money was spent.
func (e *Engine) record(ctx context.Context, step int64, provider string, req llm.Request, resp llm.Response, callErr error) {
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
	}
	if callErr != nil {
		c.Error = callErr.Error()
	}
	err := e.cfg.Store.RecordCall(context.WithoutCancel(ctx), c)
	if provider == store.OfflineProvider {
		// No model answered: the exchange is kept for the node's record
		// and counted as offline, never as a call, tokens or money.
		if err == nil {
			e.budget.chargeOffline()
		}
		return
	}
	e.budget.charge(step, c, err == nil)
}
