package engine

import (
	"context"
	"fmt"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
)

// judge asks the judge role to score a valid candidate and stores the
// score in [0,1] as the judge metric. The judge is advisory: a failed call
// or an unreadable reply becomes a warning event.
func (e *Engine) judge(ctx context.Context, step int64, node *store.Node, events *[]store.Event) {
	j := e.cfg.Judge
	if j == nil || j.Provider == nil || !node.Valid {
		return
	}
	req := llm.Request{Role: "judge", Messages: roles.JudgePrompt(e.desc, roleNode(*node), j.Rubric)}
	if !e.budget.affordable(ctx, j.Provider, req) {
		return
	}
	resp, err := e.callAs(ctx, step, "judge", j.Provider, req)
	if err == nil {
		var score float64
		if score, err = roles.ParseJudgement(resp.Content); err == nil {
			node.Metrics[MetricJudge] = score
			return
		}
	}
	if ctx.Err() == nil {
		*events = append(*events, store.Event{Kind: "warning", Message: fmt.Sprintf("step %d: no judgement: %s", step, firstLine(err.Error()))})
	}
}

// scoreRange is the observed range of oriented valid primary scores, onto
// which the judge's score is mapped.
type scoreRange struct {
	lo, hi float64
	ok     bool // a score was seen
}

func (r *scoreRange) widen(s float64) {
	if !r.ok {
		r.lo, r.hi, r.ok = s, s, true
		return
	}
	r.lo, r.hi = min(r.lo, s), max(r.hi, s)
}

// blend is the fitness the sampler sees: the oriented primary score,
// moved toward the judge's score mapped onto the primary scores' observed
// range, so both count on the score's own scale. Callers hold mu.
func (e *Engine) blend(n store.Node) float64 {
	s := e.oriented(n.Score)
	j, ok := n.Metrics[MetricJudge]
	r := e.tally.scores
	if e.cfg.Judge == nil || e.cfg.Judge.Weight <= 0 || !ok || !n.Valid || !r.ok {
		return s
	}
	w := min(e.cfg.Judge.Weight, 1)
	return (1-w)*s + w*(r.lo+j*(r.hi-r.lo))
}

// observeRange widens the observed range of oriented primary scores.
// Callers hold mu.
func (e *Engine) observeRange(n store.Node) {
	if n.Valid {
		e.tally.scores.widen(e.oriented(n.Score))
	}
}
