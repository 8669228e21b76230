package engine

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// evaluate runs the cascade on node.Code and fills the node's outcome. An
// evaluation that could not run (the task returned an error) leaves the
// node StatusInfraFailed; a result with a metric that is not a finite
// number is an invalid candidate.
func (e *Engine) evaluate(ctx context.Context, node *store.Node) map[string][]byte {
	stages := e.desc.Stages
	if len(stages) == 0 {
		stages = []task.Stage{{Name: "evaluate"}}
	}
	start := time.Now()
	defer func() {
		node.EvalTime = time.Since(start)
		if t := store.TurnOf(ctx); t != nil {
			t.Begin() // the worker is ready again: its writes go before later ones'
		}
	}()
	// Keep the engine's own metrics (repairs, novelty) across re-evaluation.
	kept := map[string]float64{}
	for _, k := range []string{MetricRepairs, MetricNovelty} {
		if v, ok := node.Metrics[k]; ok {
			kept[k] = v
		}
	}
	node.Metrics = kept
	node.Features = nil
	node.Error = ""
	artifacts := map[string][]byte{}
	var feedback []string
	cand := task.Candidate{NodeID: store.NodeID(node.Step), Language: e.desc.Language, Code: node.Code}
	last := lastPublicStage(stages)
	for i, stage := range stages {
		if stage.HeldOut {
			continue // the audit's: never run here, never shown
		}
		stageStart := time.Now()
		res, err := e.cfg.Task.Evaluate(ctx, cand, i, e.cfg.Seed+node.Step)
		if err == nil && ctx.Err() == nil {
			e.stageTimes.add(i, time.Since(stageStart))
		}
		if err != nil {
			node.Valid, node.Status = false, store.StatusInfraFailed
			node.Error = fmt.Sprintf("evaluate stage %q: %v", stage.Name, err)
			node.Feedback = strings.Join(append(feedback, node.Error), "\n")
			e.mu.Lock()
			e.lastInfra = fmt.Errorf("node %d: evaluate stage %q: %w", store.NodeID(node.Step), stage.Name, err)
			e.mu.Unlock()
			return artifacts
		}
		// A metric that is not a finite number cannot be stored or
		// compared: the result is invalid, and the researcher is told why.
		var nonFinite []string
		for k, v := range res.Metrics {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				nonFinite = append(nonFinite, fmt.Sprintf("metric %q is %v", k, v))
				continue
			}
			node.Metrics[k] = v
		}
		if len(nonFinite) > 0 {
			slices.Sort(nonFinite)
			why := strings.Join(nonFinite, ", ") + " (every metric must be a finite number)"
			if res.Valid {
				res.Valid, res.Feedback = false, strings.TrimSpace(why+"\n"+res.Feedback)
			} else {
				res.Feedback = strings.TrimSpace(res.Feedback + "\n" + why)
			}
		}
		maps.Copy(artifacts, res.Artifacts)
		if res.Feedback != "" {
			feedback = append(feedback, res.Feedback)
		}
		if !res.Valid {
			node.Valid, node.Status = false, store.StatusFailed
			node.Error = fmt.Sprintf("stage %q: invalid candidate", stage.Name)
			if res.Feedback != "" {
				node.Error += ": " + firstLine(res.Feedback)
			}
			node.Feedback = strings.Join(feedback, "\n")
			return artifacts
		}
		score, ok := node.Metrics[e.desc.Primary]
		if !ok {
			node.Valid, node.Status = false, store.StatusFailed
			node.Error = fmt.Sprintf("stage %q: the task reported no %q metric", stage.Name, e.desc.Primary)
			node.Feedback = strings.Join(feedback, "\n")
			return artifacts
		}
		node.Score, node.Valid, node.Status = score, true, store.StatusOK
		threshold, has := stage.Threshold, stage.HasThreshold
		if t, ok := e.cfg.Thresholds[stage.Name]; ok {
			threshold, has = t, true
		}
		if has && !e.cfg.NoCascade && i < last && e.better(threshold, score) {
			saved := e.stageTimes.after(i, len(stages))
			node.Metrics[MetricCascadeSaved] = saved.Seconds()
			feedback = append(feedback, fmt.Sprintf("stopped after stage %q: %s %.6g is short of its threshold %.6g (about %s of later stages saved)",
				stage.Name, e.desc.Primary, score, threshold, saved.Round(time.Millisecond)))
			break
		}
	}
	node.Feedback = strings.Join(feedback, "\n")
	for _, dim := range e.desc.FeatureDimensions {
		node.Features = append(node.Features, node.Metrics[dim])
	}
	return artifacts
}

// evaluateInitial evaluates and stores the task's initial program as
// step 0.
func (e *Engine) evaluateInitial(ctx context.Context) error {
	step, _, ok, err := e.cfg.Store.ClaimStep(ctx, 0)
	if err != nil {
		return err
	}
	if !ok || step != 0 {
		return fmt.Errorf("initial program: claimed step %d, want 0 (database holds steps but no initial node)", step)
	}
	e.mu.Lock()
	island := e.cfg.Sampler.Island(sampling.Node{})
	e.mu.Unlock()
	n := &store.Node{
		Step: 0, Name: "initial", Motivation: "the task's initial program",
		Code: e.desc.InitialProgram, Island: island,
	}
	artifacts := e.evaluate(ctx, n)
	if ctx.Err() != nil {
		e.cfg.Store.ReleaseStep(context.WithoutCancel(ctx), 0)
		return ctx.Err()
	}
	n.Analysis = "The starting point."
	if !n.Valid {
		n.Analysis = "The initial program failed: " + n.Error
	}
	return e.commit(ctx, n, artifacts, nil)
}
