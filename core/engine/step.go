package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
)

// stepRand is a step's randomness: from the campaign seed and the step
// number only, so a re-run step makes the same choices.
func stepRand(seed, step int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), uint64(step)*0x9e3779b97f4a7c15+1))
}

// runStep runs one claimed step: sample its context, retrieve knowledge,
// design (checked for novelty), evaluate, repair, judge, analyze, commit,
// then credit the researcher's arm and learn. An error means no node was
// stored and the step is to be handed out again.
func (e *Engine) runStep(ctx context.Context, step int64) error {
	records := newStepRecords()
	defer records.close()
	ctx = withStepRecords(ctx, records)
	rng := stepRand(e.cfg.Seed, step)
	e.mu.Lock()
	picked := e.cfg.Sampler.Sample(rng, e.cfg.SampleN)
	var island int
	if len(picked) > 0 {
		island = e.cfg.Sampler.Island(picked[0])
	}
	e.mu.Unlock()
	res, arm := e.bandit.pick(rng)
	res, arm = e.stall.researcher(step, res, arm)
	if len(picked) == 0 {
		return errors.New("sampler has no valid node to start from (did the initial program fail? see `asi show 1`)")
	}
	contextNodes := make([]store.Node, 0, len(picked))
	for _, p := range picked {
		n, err := e.cfg.Store.Node(ctx, p.ID)
		if err != nil {
			return err
		}
		contextNodes = append(contextNodes, n)
	}
	parents := make([]int64, len(contextNodes))
	for i, n := range contextNodes {
		parents[i] = n.ID
	}
	node := &store.Node{Step: step, Parents: parents, Island: island, Metrics: map[string]float64{}}
	knowledge, events := e.retrieve(ctx, contextNodes, node)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	code, err := e.design(ctx, step, res, rng, contextNodes, knowledge, node)
	if err != nil {
		return err // provider failure: no node
	}
	if code, err = e.novel(ctx, step, res, rng, contextNodes[0], code, node, &events); err != nil {
		return err
	}
	var artifacts map[string][]byte
	if code != "" {
		node.Code = code
		artifacts = e.evaluate(ctx, node)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if artifacts, err = e.repair(ctx, step, res, rng, node, artifacts, &events); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		e.judge(ctx, step, node, &events)
	}
	insight, err := e.analyze(ctx, step, node, contextNodes)
	if err != nil {
		return err
	}
	records.wait() // the node follows its step's calls, and settle sees their cost
	if err := e.commit(ctx, node, artifacts, events); err != nil {
		return err
	}
	e.bandit.observe(arm, *node, contextNodes[0].Score, contextNodes[0].Valid, e.budget.settle(step))
	e.promptsAfter(ctx, *node, contextNodes[0])
	e.learn(ctx, node, insight)
	e.recommendAfter(ctx, step)
	e.auditNewBest(ctx, node)
	return nil
}

// commit stores the node with its artifacts and events in one
// transaction, then adds it to the sampler, tally and novelty index and
// reports progress.
func (e *Engine) commit(ctx context.Context, n *store.Node, artifacts map[string][]byte, events []store.Event) error {
	kind, msg := "node", fmt.Sprintf("step %d: %s", n.Step, n.Name)
	switch {
	case n.Valid:
		msg += fmt.Sprintf(" scored %s = %.6g", e.desc.Primary, n.Score)
	case n.Status == store.StatusInfraFailed:
		kind = store.StatusInfraFailed
		msg += " could not be evaluated: " + firstLine(n.Error)
	default:
		kind = "failed"
		msg += " failed: " + firstLine(n.Error)
	}
	events = append(events, store.Event{Kind: kind, Message: msg})
	if _, err := e.cfg.Store.Commit(context.WithoutCancel(ctx), n, artifacts, events); err != nil {
		return err
	}
	e.novelty.addVector(ctx, *n)
	e.mu.Lock()
	e.observe(*n)
	if n.Step != 0 {
		e.runSteps++
	}
	switch {
	case n.Status == store.StatusInfraFailed:
		e.infraRun++
	case n.Code != "": // its evaluation ran
		e.infraRun = 0
	}
	t := &e.tally
	p := Progress{
		Done: t.done, Total: e.cfg.Budget.Steps, Failures: t.failures, InfraFailures: t.infraFailures,
		Best: t.best.Score, HasBest: t.hasBest, Elapsed: e.budget.elapsed(),
		LastNode: n.ID, LastName: n.Name, LastScore: n.Score, LastValid: n.Valid,
		Spend: e.budget.spent().CostUSD, RunSteps: e.runSteps, Counters: t.counters,
	}
	if e.cfg.Progress != nil {
		e.cfg.Progress(p) // under mu: progress calls never interleave
	}
	e.mu.Unlock()
	_ = e.recordStalls(context.WithoutCancel(ctx)) // kept for the next commit on failure
	return nil
}

func roleNode(n store.Node) roles.Node {
	return roles.Node{
		ID: n.ID, Name: n.Name, Motivation: n.Motivation, Code: n.Code, Analysis: n.Analysis,
		Feedback: n.Feedback, Metrics: n.Metrics, Score: n.Score, Valid: n.Valid,
	}
}

// firstLine is the first line of s once surrounding space is trimmed.
func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
