package engine

import (
	"context"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
)

// analyze fills node.Analysis and returns the reusable insight, if any.
func (e *Engine) analyze(ctx context.Context, step int64, node *store.Node, contextNodes []store.Node) (string, error) {
	if node.Status == store.StatusInfraFailed {
		node.Analysis = "(no analysis: the evaluation could not run; the task or its plugin failed, not the candidate)"
		return "", nil
	}
	var best *roles.Node
	for _, n := range contextNodes {
		if n.Valid && (best == nil || e.better(n.Score, best.Score)) {
			rn := roleNode(n)
			best = &rn
		}
	}
	desc := e.guidance.forAnalyzer(e.desc)
	var a roles.Analysis
	var err error
	var est float64 // the call's booking, released by record
	if la, ok := e.cfg.Analyzer.(roles.LLMAnalyzer); ok {
		req := la.Request(desc, roleNode(*node), best)
		var fits bool
		if est, fits = e.budget.reserve(ctx, la.Provider, req); !fits {
			node.Analysis = "(no analysis: the money budget cannot afford it)"
			return "", nil
		}
		a, err = la.Send(ctx, req)
	} else {
		a, err = e.cfg.Analyzer.Analyze(ctx, desc, roleNode(*node), best)
	}
	if a.Response != nil || err != nil {
		var resp llm.Response
		if a.Response != nil {
			resp = *a.Response
		}
		name := "analyzer"
		if p, ok := e.cfg.Analyzer.(roles.LLMAnalyzer); ok {
			name = providerName(p.Provider)
		}
		e.record(ctx, step, name, llm.Request{Role: "analyzer", Messages: []llm.Message{{Role: "user", Content: a.Prompt}}}, resp, err, est)
	} else {
		e.budget.unreserve(est)
	}
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		// A missing analysis does not cost the experiment.
		node.Analysis = "(no analysis: " + err.Error() + ")"
		return "", nil
	}
	node.Analysis = a.Text
	return a.Insight, nil
}
