package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// Engine runs one campaign. Its parts keep their own state, each behind
// its own lock: the budget (money booked and the stop checks), the novelty
// index, the bandit choosing researchers, the manager's guidance and the
// stage timer. The engine's own lock guards the sampler and what follows
// it in the struct; it may be held while a part is called, never the other
// way round.
type Engine struct {
	cfg  Config
	desc task.Description

	budget     *budget
	novelty    *codeIndex
	bandit     *bandit
	stall      *stallWatch
	prompts    *promptArchive // nil without Config.Prompts
	guidance   guidance
	stageTimes stageTimer
	auditor    auditor

	mu       sync.Mutex // guards cfg.Sampler and everything below
	tally    tally
	resumed  int // abandoned steps handed out again
	runSteps int // steps stored by this run
	reason   StopReason
	stopping bool
	// Evaluations that could not run (the task or its plugin failed).
	infraRun  int   // stored in a row by this run
	lastInfra error // the evaluation error of the latest of them
}

// New checks cfg and asks the task to describe itself.
func New(ctx context.Context, cfg Config) (*Engine, error) {
	switch {
	case cfg.Store == nil:
		return nil, errors.New("engine: no store")
	case cfg.Task == nil:
		return nil, errors.New("engine: no task")
	case cfg.Researcher == nil && len(cfg.Researchers) == 0:
		return nil, errors.New("engine: no researcher provider")
	case cfg.Analyzer == nil:
		return nil, errors.New("engine: no analyzer")
	case cfg.Sampler == nil:
		return nil, errors.New("engine: no sampler")
	}
	cfg.Workers = max(cfg.Workers, 1)
	if cfg.SampleN <= 0 {
		cfg.SampleN = 3
	}
	if cfg.TopK <= 0 {
		cfg.TopK = 5
	}
	desc, err := cfg.Task.Describe(ctx)
	if err != nil {
		return nil, fmt.Errorf("engine: describe task: %w", err)
	}
	if desc.Primary == "" {
		return nil, fmt.Errorf("engine: task %q names no primary metric", desc.Name)
	}
	if len(desc.Stages) > 0 && lastPublicStage(desc.Stages) < 0 {
		return nil, fmt.Errorf("engine: task %q holds out every stage; candidates need one the cascade runs", desc.Name)
	}
	if cfg.Researcher == nil && len(cfg.Researchers) > 0 {
		cfg.Researcher = cfg.Researchers[0].Provider
	}
	stall, err := newStallWatch(cfg)
	if err != nil {
		return nil, err
	}
	return &Engine{
		cfg: cfg, desc: desc,
		budget:  newBudget(cfg.Budget, desc.Direction),
		novelty: newCodeIndex(cfg.Novelty, desc.Language),
		bandit:  newBandit(cfg, desc.Direction),
		stall:   stall,
		prompts: newPromptArchive(cfg.Prompts, desc.Direction),
		tally:   tally{failureClasses: map[string]int{}},
	}, nil
}

// Description is the task's description.
func (e *Engine) Description() task.Description { return e.desc }

// Stop asks the workers to finish their current steps and claim no more.
// It is safe to call from any goroutine, any number of times.
func (e *Engine) Stop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.stopping {
		e.stopping = true
		e.reason = StopInterrupted
	}
}

// oriented turns a primary score into "larger is better".
func (e *Engine) oriented(score float64) float64 { return orient(e.desc.Direction, score) }

func (e *Engine) better(a, b float64) bool { return e.oriented(a) > e.oriented(b) }

// prepare releases abandoned steps, rebuilds the sampler, tally, novelty
// index, bandit and prompt tally from the store's node summaries (the
// text stays on disk), and evaluates the initial program when the
// campaign is new.
func (e *Engine) prepare(ctx context.Context) error {
	st := e.cfg.Store
	released, err := st.ReleaseAbandoned(ctx)
	if err != nil {
		return err
	}
	usage, err := st.Usage(ctx)
	if err != nil {
		return err
	}
	e.budget.start(usage)
	if err := e.stall.load(ctx, st); err != nil {
		return err
	}
	e.mu.Lock()
	e.resumed = released
	e.mu.Unlock()
	links := e.newNodeLinks()
	hasInitial, err := e.observeStored(ctx, links)
	if err != nil {
		return err
	}
	if err := e.readTallyNodes(ctx); err != nil {
		return err
	}
	if err := e.recordStalls(ctx); err != nil {
		return err
	}
	if err := e.novelty.embedStored(ctx, st); err != nil {
		return err
	}
	if err := e.bandit.rebuild(ctx, st, links); err != nil {
		return err
	}
	if err := e.prompts.rebuild(ctx, st, links); err != nil {
		return err
	}
	e.manage(ctx)
	if !hasInitial {
		return e.evaluateInitial(ctx)
	}
	return nil
}

// Run runs workers until a budget is reached, Stop is called, or ctx is
// cancelled (a hard stop: steps in flight are abandoned and re-run on
// resume). It returns the summary even when it returns an error.
func (e *Engine) Run(ctx context.Context) (Summary, error) {
	if err := e.prepare(ctx); err != nil {
		return e.summary(StopError), err
	}
	if err := e.initialFailed(); err != nil {
		return e.summary(StopInitial), err
	}

	var wg sync.WaitGroup
	errs := make(chan error, e.cfg.Workers)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range e.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			turn := new(store.Turn)
			turn.Begin()
			ctx := store.WithTurn(runCtx, turn)
			for {
				more, err := e.Step(ctx)
				if err != nil {
					if runCtx.Err() == nil {
						errs <- err
						cancel()
					}
					return
				}
				if !more {
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return e.summary(StopError), err
	}
	if ctx.Err() != nil {
		return e.summary(StopInterrupted), nil
	}
	e.auditAtEnd(ctx)
	return e.summary(""), nil
}

// initialFailed returns an error wrapping ErrInitialFailed when the
// initial program failed and no node is valid.
func (e *Engine) initialFailed() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	initial := e.tally.initial
	if initial.Valid || e.tally.hasBest {
		return nil
	}
	err := fmt.Errorf("%w (node %d): %s", ErrInitialFailed, store.NodeID(0), initial.Error)
	if fb := strings.TrimSpace(initial.Feedback); fb != "" && !strings.Contains(initial.Error, fb) {
		lines := strings.Split(fb, "\n")
		if len(lines) > 8 {
			lines = append(lines[:8], fmt.Sprintf("(%d more lines)", len(lines)-8))
		}
		err = fmt.Errorf("%w\nfeedback:\n  %s", err, strings.Join(lines, "\n  "))
	}
	return err
}

// summary is the outcome of the run so far; reason "" stands for the
// reason the run stopped (StopSteps when none was set).
func (e *Engine) summary(reason StopReason) Summary {
	e.mu.Lock()
	defer e.mu.Unlock()
	if reason == "" {
		reason = e.reason
	}
	if reason == "" {
		reason = StopSteps
	}
	t := &e.tally
	return Summary{
		Reason: reason, StepsThisRun: e.runSteps, Done: t.done, Failures: t.failures, InfraFailures: t.infraFailures, Resumed: e.resumed,
		InitialScore: t.initial.Score, InitialValid: t.initial.Valid,
		Best: t.best, HasBest: t.hasBest, Usage: e.budget.spent(), Elapsed: e.budget.elapsed(),
		Counters: t.counters,
	}
}

// stopReason says why no further step may start: Stop, or a budget other
// than steps. Callers hold mu.
func (e *Engine) stopReason() StopReason {
	if e.stopping {
		return e.reason
	}
	return e.budget.exceeded(e.tally.done, e.tally.best.Score, e.tally.hasBest)
}

// Step claims and runs one step. more is false when a budget or Stop says
// no further step should start.
func (e *Engine) Step(ctx context.Context) (more bool, err error) {
	e.mu.Lock()
	if r := e.stopReason(); r != "" {
		e.reason, e.stopping = r, true
		e.mu.Unlock()
		return false, nil
	}
	// Counted in flight under mu, with the check: a concurrent Step sees it.
	e.budget.begin()
	e.mu.Unlock()
	defer e.budget.end()
	step, _, ok, err := e.cfg.Store.ClaimStep(ctx, e.budget.stepLimit())
	if err != nil {
		return false, err
	}
	if !ok {
		e.mu.Lock()
		if e.reason == "" {
			e.reason = StopSteps
		}
		e.mu.Unlock()
		return false, nil
	}
	if err := e.runStep(ctx, step); err != nil {
		// The step produced no node: hand it out again next time.
		e.cfg.Store.ReleaseStep(context.WithoutCancel(ctx), step)
		e.budget.settle(step)
		if errors.Is(err, errOverBudget) {
			e.mu.Lock()
			e.reason, e.stopping = StopUSD, true
			e.mu.Unlock()
			return false, nil
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, fmt.Errorf("step %d: %w", step, err)
	}
	if err := e.taskFailing(); err != nil {
		return false, err
	}
	return true, nil
}

// taskFailing returns an error wrapping ErrTaskFailing, and the last
// evaluation error, once MaxInfraFailures nodes in a row could not be
// evaluated.
func (e *Engine) taskFailing() error {
	limit := e.cfg.MaxInfraFailures
	if limit <= 0 {
		limit = DefaultMaxInfraFailures
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.infraRun < limit {
		return nil
	}
	return fmt.Errorf("task %s: %w: the last %d evaluations could not run (the campaign's max_infra_failures is %d); the last one: %w",
		e.desc.Name, ErrTaskFailing, e.infraRun, limit, e.lastInfra)
}
