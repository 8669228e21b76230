package engine

import (
	"context"
	"errors"
	"math/rand/v2"

	"github.com/asi-evolve/asi/core/diffs"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
)

// design asks the researcher for an edit of context[0] and applies it.
// It returns "" with node.Error set when no usable program came back, and
// an error only when the provider itself failed.
func (e *Engine) design(ctx context.Context, step int64, res llm.Provider, rng *rand.Rand, contextNodes []store.Node, knowledge []string, node *store.Node) (string, error) {
	parent := contextNodes[0]
	roleNodes := make([]roles.Node, len(contextNodes))
	llmParents := make([]llm.Parent, len(contextNodes))
	for i, n := range contextNodes {
		roleNodes[i] = roleNode(n)
		llmParents[i] = llm.Parent{NodeID: n.ID, Code: n.Code, Score: n.Score}
	}
	if err := e.showOutputs(ctx, contextNodes, roleNodes); err != nil {
		return "", err
	}
	offline := llm.IsOffline(res)
	system, err := e.prompts.pick(ctx, e.cfg.Store, step) // "" without a prompts block
	if err != nil {
		return "", err
	}
	messages := messagesFor(res, func() []llm.Message {
		return withSystemPrompt(system, roles.ResearcherPrompt(e.guidance.forResearcher(e.desc), roleNodes, knowledge))
	})
	const attempts = 3 // first try, one retry with the reason, one full rewrite
	var reason string
	for attempt := range attempts {
		resp, err := e.callAs(ctx, step, "researcher", res, llm.Request{
			Role: "researcher", Messages: messages, Parents: llmParents,
			Seed: rng.Int64(), Temperature: e.stall.temperature(step),
		})
		if errors.Is(err, errOverBudget) && attempt > 0 {
			reason += " (no further attempt: the money budget cannot afford it)"
			break
		}
		if err != nil {
			return "", err
		}
		code, name, motivation, why := applyReply(parent.Code, resp.Content)
		node.Name, node.Motivation = name, motivation
		if why == "" {
			return code, nil
		}
		reason = why
		switch {
		case offline: // it reads no prompt: the next seed is the next try
		case attempt == 0:
			messages = roles.RetryPrompt(messages, resp.Content, why)
		case attempt == 1:
			messages = roles.RewritePrompt(messages, resp.Content, why)
		}
	}
	if node.Name == "" {
		node.Name = "unusable-reply"
	}
	node.Status, node.Valid = store.StatusFailed, false
	node.Error = "edit: " + reason
	node.Feedback = reason
	return "", nil
}

// applyReply parses a researcher reply and produces the new program, or the
// reason it could not.
func applyReply(parent, reply string) (code, name, motivation, reason string) {
	r, err := diffs.ParseReply(reply)
	// A reply without a name is still a usable edit.
	if err != nil && !errors.Is(err, diffs.ErrNoName) {
		return "", r.Name, r.Motivation, err.Error()
	}
	switch {
	case r.Program != "":
		if err := diffs.CheckRewrite(parent, r.Program); err != nil {
			return "", r.Name, r.Motivation, err.Error()
		}
		code = r.Program
	case len(r.Blocks) > 0:
		code, err = diffs.Apply(parent, r.Blocks)
		if err != nil {
			return "", r.Name, r.Motivation, err.Error()
		}
	default:
		return "", r.Name, r.Motivation, "the reply has neither SEARCH/REPLACE blocks nor a <program>"
	}
	if code == parent {
		return "", r.Name, r.Motivation, "the edit leaves the program unchanged"
	}
	name = r.Name
	if name == "" {
		name = "unnamed"
	}
	return code, name, r.Motivation, ""
}
