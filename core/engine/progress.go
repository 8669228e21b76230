package engine

import (
	"time"

	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
)

// Progress is the campaign's state after a node was stored.
type Progress struct {
	Done      int // steps with a node, initial program excluded
	Total     int // Budget.Steps, 0 when unlimited
	Failures  int // candidates that failed
	Best      float64
	HasBest   bool
	Elapsed   time.Duration
	LastNode  int64
	LastName  string
	LastScore float64
	LastValid bool
	Spend     float64 // US dollars spent on LLM calls, every run included
	RunSteps  int     // steps stored by this run, for the rate and ETA
	Counters  Counters
	// InfraFailures are the evaluations that could not run (the task or
	// its plugin failed); they are not in Failures.
	InfraFailures int
}

// StopReason says why Run returned.
type StopReason string

const (
	StopSteps       StopReason = "step budget reached"
	StopWall        StopReason = "wall-time budget reached"
	StopTokens      StopReason = "token budget reached"
	StopUSD         StopReason = "money budget reached"
	StopTarget      StopReason = "target score reached"
	StopInterrupted StopReason = "interrupted"
	StopInitial     StopReason = "the initial program failed"
	StopError       StopReason = "error"
)

// Summary is the outcome of one Run.
type Summary struct {
	Reason       StopReason
	StepsThisRun int
	Done         int // steps with a node, initial program excluded
	Failures     int // candidates that failed
	Resumed      int // abandoned steps handed out again
	InitialScore float64
	InitialValid bool
	Best         store.Node
	HasBest      bool
	Usage        store.Usage
	Elapsed      time.Duration
	Counters     Counters
	// InfraFailures are the evaluations that could not run (the task or
	// its plugin failed); they are not in Failures.
	InfraFailures int
}

// tally is what the stored nodes add up to, over every run of the
// campaign; the engine rebuilds it from the store at start and adds each
// node it commits.
type tally struct {
	initial        store.Node
	best           store.Node
	hasBest        bool
	done           int            // steps with a node, initial program excluded
	failures       int            // candidates that failed
	infraFailures  int            // evaluations that could not run
	failureClasses map[string]int // failed nodes by failureClass of their error
	counters       Counters
	scores         scoreRange // of the valid nodes, for the judge's blend
}

// observe adds a stored node to the sampler and the tally. Callers hold mu.
func (e *Engine) observe(n store.Node) {
	t := &e.tally
	e.observeRange(n)
	t.counters.Add(n)
	e.cfg.Sampler.Add(e.samplerNode(n))
	e.watchStall(n)
	if n.Step == 0 {
		t.initial = n
	} else {
		t.done++
		switch {
		case n.Status == store.StatusInfraFailed:
			t.infraFailures++
		case !n.Valid:
			t.failures++
			t.failureClasses[failureClass(n.Error)]++
		}
	}
	if n.Valid && (!t.hasBest || e.better(n.Score, t.best.Score)) {
		t.best, t.hasBest = n, true
	}
}

// samplerNode is n as the sampler sees it: its fitness is the blend.
func (e *Engine) samplerNode(n store.Node) sampling.Node {
	sn := sampling.Node{ID: n.ID, Parents: n.Parents, Score: e.blend(n), Valid: n.Valid, Island: n.Island, Features: n.Features}
	if len(e.cfg.Objectives) > 0 {
		sn.Objectives, _ = store.ObjectiveValues(n, e.cfg.Objectives)
	}
	return sn
}
