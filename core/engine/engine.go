package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/diffs"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// Budget limits a campaign; zero fields are unlimited. Steps counts the
// steps after the initial program over the whole campaign; Wall limits one
// run of the engine; Tokens and USD count every LLM call ever made.
type Budget struct {
	Steps  int
	Wall   time.Duration
	Tokens int64
	USD    float64
	Target *float64
}

// Config is what an engine needs. Store, Task, Researcher, Analyzer and
// Sampler are required.
type Config struct {
	Store      *store.Store
	Task       task.Interface
	Researcher llm.Provider
	Analyzer   roles.Analyzer
	Sampler    sampling.Sampler
	Workers    int // default 1
	SampleN    int // context nodes per step, default 3
	Seed       int64
	Budget     Budget
	// Cognition, when set, is queried before each design and learns from
	// each analysis. TopK (default 5) and MinScore filter what is shown.
	Cognition Cognition
	TopK      int
	MinScore  float64
	// Progress, when set, is called after every stored node (from one
	// goroutine at a time).
	Progress func(Progress)

	// MaxRepairs is how many times a candidate that failed evaluation goes
	// back to the researcher with its error; 0 repairs nothing.
	MaxRepairs int
	// Thresholds override the task's stage thresholds by stage name.
	Thresholds map[string]float64
	// NoCascade runs every stage whatever the thresholds (for ablations).
	NoCascade bool
	// Judge, when set, scores valid candidates' designs.
	Judge *Judge
	// Novelty, when set, sends near-duplicate candidates back once.
	Novelty *Novelty
	// Researchers, when set, replace Researcher: each step uses one of
	// them, chosen by Choice (ChoiceWeights when "").
	Researchers []Arm
	Choice      string
	// Manager, when set, writes the prompts' guidance and recommendations.
	Manager *Manager
	// OfflineInsights lets the insights of roles.OfflineAnalyzer into
	// Cognition, tagged TagOffline and with their source saying so. No
	// model wrote them (a metric delta and the edit's own description), so
	// by default they are kept out: a base other campaigns read then holds
	// only what a model concluded.
	OfflineInsights bool
	// MaxInfraFailures is how many evaluations in a row (in the order their
	// nodes are stored, in one Run) may fail to run, the task or its
	// plugin failing rather than the candidate, before Run stops with an
	// error wrapping ErrTaskFailing; 0 means DefaultMaxInfraFailures.
	MaxInfraFailures int
}

// DefaultMaxInfraFailures is the default of Config.MaxInfraFailures: a
// plugin that crashes on every evaluation costs five researcher calls, not
// the budget, while a few unlucky candidates that each kill the plugin
// (every one already tried twice) do not end a campaign.
const DefaultMaxInfraFailures = 5

// ErrTaskFailing: evaluations kept failing to run (Config.MaxInfraFailures
// in a row), so Run stopped rather than spend the budget on them.
var ErrTaskFailing = errors.New("the task keeps failing")

// Cognition is what the engine needs of a cognition base;
// *cognition.Base implements it.
type Cognition interface {
	Retrieve(ctx context.Context, queries []string, topK int, minScore float64) ([]cognition.Hit, error)
	WriteBack(ctx context.Context, it cognition.Item) (cognition.WriteResult, error)
}

// TagOffline tags the cognition items that no model wrote (see
// Config.OfflineInsights).
const TagOffline = "offline"

// FailureRepeat is how many failures of one class make a failure item.
const FailureRepeat = 3

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

// Counters sum what the research-quality machinery did over the whole
// campaign (every run), from the metrics stored on the nodes.
type Counters struct {
	Repairs           int           // repair attempts
	Repaired          int           // nodes valid after at least one repair
	CascadeStops      int           // candidates stopped early by a threshold
	CascadeSaved      time.Duration // estimated evaluation time those stops saved
	NoveltyRejections int           // candidates sent back as near twins
	Judged            int           // candidates the judge scored
}

func (c *Counters) add(n store.Node) {
	if r := n.Metrics[MetricRepairs]; r > 0 {
		c.Repairs += int(r)
		if n.Valid {
			c.Repaired++
		}
	}
	if s, ok := n.Metrics[MetricCascadeSaved]; ok {
		c.CascadeStops++
		c.CascadeSaved += time.Duration(s * float64(time.Second))
	}
	if n.Metrics[MetricNovelty] > 0 {
		c.NoveltyRejections++
	}
	if _, ok := n.Metrics[MetricJudge]; ok {
		c.Judged++
	}
}

// CountersOf sums the counters of stored nodes, for `asi status`.
func CountersOf(nodes []store.Node) Counters {
	var c Counters
	for _, n := range nodes {
		c.add(n)
	}
	return c
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

// Engine runs one campaign.
type Engine struct {
	cfg  Config
	desc task.Description

	mu       sync.Mutex // guards everything below
	started  time.Time
	best     store.Node
	hasBest  bool
	initial  store.Node
	done     int
	failures int
	usage    store.Usage
	runSteps int
	resumed  int
	reason   StopReason
	stopping bool
	// failureClasses counts failed nodes by failureClass of their error.
	failureClasses    map[string]int
	counters          Counters
	maxCall           float64 // the dearest LLM call seen, USD
	reserved          float64 // USD booked by calls in flight
	inFlight          int     // steps claimed and not yet finished
	lo, hi            float64 // observed range of oriented valid scores
	hasRange          bool
	vectors           []codeVector // code embeddings for the novelty check
	stageTimes        stageTimer
	guideRes, guideAn string            // the manager's guidance for the researcher and analyzer
	recommend         string            // the manager's latest recommendations
	arms              []armStats        // per Config.Researchers
	stepSpend         map[int64]float64 // researcher and repair USD per step in flight
	// priced is set once an LLM call's cost is known (pricedCh closes);
	// pricing while the first call is out.
	priced, pricing bool
	pricedCh        chan struct{}

	// Nodes whose evaluation could not run (the task or its plugin failed).
	infraFailures int   // over the whole campaign
	infraRun      int   // stored in a row by this run
	lastInfra     error // the evaluation error of the latest of them
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
	if cfg.Researcher == nil && len(cfg.Researchers) > 0 {
		cfg.Researcher = cfg.Researchers[0].Provider
	}
	return &Engine{
		cfg: cfg, desc: desc, failureClasses: map[string]int{}, pricedCh: make(chan struct{}),
		arms: make([]armStats, len(cfg.Researchers)), stepSpend: map[int64]float64{},
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
func (e *Engine) oriented(score float64) float64 {
	if e.desc.Direction == task.Minimize {
		return -score
	}
	return score
}

func (e *Engine) better(a, b float64) bool { return e.oriented(a) > e.oriented(b) }

func (e *Engine) samplerNode(n store.Node) sampling.Node {
	return sampling.Node{ID: n.ID, Parents: n.Parents, Score: e.blend(n), Valid: n.Valid, Island: n.Island, Features: n.Features}
}

// prepare releases abandoned steps, rebuilds the sampler and counters from
// the store, and evaluates the initial program when the campaign is new.
func (e *Engine) prepare(ctx context.Context) error {
	st := e.cfg.Store
	released, err := st.ReleaseAbandoned(ctx)
	if err != nil {
		return err
	}
	nodes, err := st.Nodes(ctx)
	if err != nil {
		return err
	}
	usage, err := st.Usage(ctx)
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.started = time.Now()
	e.resumed = released
	e.usage = usage
	if usage.Calls > 0 && !e.priced {
		// On resume the mean call stands in for the dearest until one is seen.
		e.maxCall = usage.CostUSD / float64(usage.Calls)
		e.priced = true
		close(e.pricedCh)
	}
	for _, n := range nodes {
		e.observe(n)
	}
	e.mu.Unlock()
	if err := e.embedStored(ctx, nodes); err != nil {
		return err
	}
	if err := e.rebuildArms(ctx, nodes); err != nil {
		return err
	}
	e.manage(ctx)
	if len(nodes) == 0 || nodes[0].Step != 0 {
		return e.evaluateInitial(ctx)
	}
	return nil
}

// observe adds a stored node to the sampler and counters. Callers hold mu.
func (e *Engine) observe(n store.Node) {
	e.observeRange(n)
	e.counters.add(n)
	e.cfg.Sampler.Add(e.samplerNode(n))
	if n.Step == 0 {
		e.initial = n
	} else {
		e.done++
		switch {
		case n.Status == store.StatusInfraFailed:
			e.infraFailures++
		case !n.Valid:
			e.failures++
			e.failureClasses[failureClass(n.Error)]++
		}
	}
	if n.Valid && (!e.hasBest || e.better(n.Score, e.best.Score)) {
		e.best, e.hasBest = n, true
	}
}

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
			for {
				more, err := e.Step(runCtx)
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
	return e.summary(""), nil
}

// ErrInitialFailed: the task's initial program failed its evaluation, so
// no step has a program to start from. Run stops before claiming a step;
// the error carries the initial node's error and feedback.
var ErrInitialFailed = errors.New("the initial program failed")

// initialFailed returns an error wrapping ErrInitialFailed when the
// initial program failed and no node is valid.
func (e *Engine) initialFailed() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.initial.Valid || e.hasBest {
		return nil
	}
	err := fmt.Errorf("%w (node %d): %s", ErrInitialFailed, store.NodeID(0), e.initial.Error)
	if fb := strings.TrimSpace(e.initial.Feedback); fb != "" && !strings.Contains(e.initial.Error, fb) {
		lines := strings.Split(fb, "\n")
		if len(lines) > 8 {
			lines = append(lines[:8], fmt.Sprintf("(%d more lines)", len(lines)-8))
		}
		err = fmt.Errorf("%w\nfeedback:\n  %s", err, strings.Join(lines, "\n  "))
	}
	return err
}

func (e *Engine) summary(reason StopReason) Summary {
	e.mu.Lock()
	defer e.mu.Unlock()
	if reason == "" {
		reason = e.reason
	}
	if reason == "" {
		reason = StopSteps
	}
	return Summary{
		Reason: reason, StepsThisRun: e.runSteps, Done: e.done, Failures: e.failures, InfraFailures: e.infraFailures, Resumed: e.resumed,
		InitialScore: e.initial.Score, InitialValid: e.initial.Valid,
		Best: e.best, HasBest: e.hasBest, Usage: e.usage, Elapsed: time.Since(e.started),
		Counters: e.counters,
	}
}

// stopReason checks the budgets other than steps. Callers hold mu.
func (e *Engine) stopReason() StopReason {
	b := e.cfg.Budget
	switch {
	case e.stopping:
		return e.reason
	case b.Target != nil && e.hasBest && !e.better(*b.Target, e.best.Score):
		return StopTarget
	case b.Wall > 0 && time.Since(e.started) >= b.Wall:
		return StopWall
	case b.Tokens > 0 && e.usage.Tokens() >= b.Tokens:
		return StopTokens
	case b.USD > 0 && e.usage.CostUSD+e.stepCost()*float64(e.inFlight+1) > b.USD:
		// Stop before, not after: a step is only started when the steps
		// in flight and it are expected to fit in what is left.
		return StopUSD
	}
	return ""
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
	e.inFlight++
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.inFlight--
		e.mu.Unlock()
	}()
	limit := 0
	if e.cfg.Budget.Steps > 0 {
		limit = e.cfg.Budget.Steps + 1 // the initial program is step 0
	}
	step, _, ok, err := e.cfg.Store.ClaimStep(ctx, limit)
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
		e.mu.Lock()
		delete(e.stepSpend, step)
		e.mu.Unlock()
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

func stepRand(seed, step int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), uint64(step)*0x9e3779b97f4a7c15+1))
}

func (e *Engine) runStep(ctx context.Context, step int64) error {
	rng := stepRand(e.cfg.Seed, step)
	e.mu.Lock()
	picked := e.cfg.Sampler.Sample(rng, e.cfg.SampleN)
	var island int
	if len(picked) > 0 {
		island = e.cfg.Sampler.Island(picked[0])
	}
	e.mu.Unlock()
	res, arm := e.pickResearcher(rng)
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
	if err := e.commit(ctx, node, artifacts, events); err != nil {
		return err
	}
	e.mu.Lock()
	e.observeArm(arm, *node, contextNodes[0].Score, contextNodes[0].Valid, e.stepSpend[step])
	delete(e.stepSpend, step)
	e.mu.Unlock()
	e.learn(ctx, node, insight)
	e.recommendAfter(ctx, step)
	return nil
}

// retrieve queries the cognition base with each context node's analysis
// (or motivation) and records the items' IDs on the node. A base that
// fails costs the step nothing: the design goes on without it and the
// returned warning event says so.
func (e *Engine) retrieve(ctx context.Context, contextNodes []store.Node, node *store.Node) ([]string, []store.Event) {
	if e.cfg.Cognition == nil {
		return nil, nil
	}
	var queries []string
	for _, n := range contextNodes {
		q := n.Analysis
		if q == "" {
			q = n.Motivation
		}
		if n.Step == 0 {
			// The initial program's own words are generic: ask about the task.
			q = e.desc.Name + ": " + firstLine(e.desc.Statement)
		}
		if q = strings.TrimSpace(q); q != "" {
			queries = append(queries, q)
		}
	}
	if len(queries) == 0 {
		queries = []string{e.desc.Name + ": " + firstLine(e.desc.Statement)}
	}
	hits, err := e.cfg.Cognition.Retrieve(ctx, queries, e.cfg.TopK, e.cfg.MinScore)
	if err != nil {
		return nil, []store.Event{{Kind: "warning", Message: "cognition retrieval failed, designing without it: " + firstLine(err.Error())}}
	}
	knowledge := make([]string, len(hits))
	for i, h := range hits {
		knowledge[i] = h.Content
		node.Cognition = append(node.Cognition, h.ID)
	}
	return knowledge, nil
}

// learn writes the analyzer's insight back to the cognition base, and a
// failure item once a class of candidate failure has recurred
// FailureRepeat times. Nothing is learned from a node whose evaluation
// could not run: it says nothing about the candidate. A write-back the
// base could not apply (queued or lost) is a warning event; the campaign
// goes on.
func (e *Engine) learn(ctx context.Context, node *store.Node, insight string) {
	if e.cfg.Cognition == nil || node.Step == 0 || node.Status == store.StatusInfraFailed {
		return
	}
	var items []cognition.Item
	if insight = strings.TrimSpace(insight); insight != "" {
		it := cognition.Item{
			Kind: cognition.KindInsight, Content: insight, Node: node.ID,
			Source: fmt.Sprintf("node %d (%s)", node.ID, node.Name), Tags: []string{e.desc.Name},
		}
		switch {
		case !e.offlineAnalyzer():
			items = append(items, it)
		case e.cfg.OfflineInsights:
			it.Source += ", offline analyzer (no model)"
			it.Tags = append(it.Tags, TagOffline)
			items = append(items, it)
		}
	}
	if !node.Valid {
		class := failureClass(node.Error)
		e.mu.Lock()
		count := e.failureClasses[class]
		e.mu.Unlock()
		if count >= FailureRepeat {
			items = append(items, cognition.Item{
				Kind: cognition.KindFailure, Node: node.ID, Tags: []string{e.desc.Name},
				Content: fmt.Sprintf("On %s, candidates keep failing with: %s", e.desc.Name, class),
				Source:  fmt.Sprintf("node %d (%s)", node.ID, node.Name),
			})
		}
	}
	for _, it := range items {
		if _, err := e.cfg.Cognition.WriteBack(ctx, it); err != nil {
			msg := "cognition write-back failed: "
			if errors.Is(err, cognition.ErrQueued) {
				msg = "cognition write-back queued until the store is back: "
			}
			e.cfg.Store.AddEvent(context.WithoutCancel(ctx), store.Event{
				Step: node.Step, NodeID: node.ID, Kind: "warning", Message: msg + firstLine(err.Error()),
			})
		}
	}
}

// offlineAnalyzer says whether the analyses, and so the insights, are
// written with no model.
func (e *Engine) offlineAnalyzer() bool {
	switch e.cfg.Analyzer.(type) {
	case roles.OfflineAnalyzer, *roles.OfflineAnalyzer:
		return true
	}
	return false
}

// failureClass reduces an error to what recurs: its first line, with
// numbers replaced, so "line 12" and "line 40" are one class.
func failureClass(msg string) string {
	msg = firstLine(msg)
	var b strings.Builder
	digits := false
	for _, r := range msg {
		if r >= '0' && r <= '9' {
			if !digits {
				b.WriteByte('N')
			}
			digits = true
			continue
		}
		digits = false
		b.WriteRune(r)
	}
	s := b.String()
	if len(s) > 160 {
		s = s[:160]
	}
	return s
}

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
	offline := llm.IsOffline(res)
	messages := messagesFor(res, func() []llm.Message { return roles.ResearcherPrompt(e.researcherDesc(), roleNodes, knowledge) })
	const attempts = 3 // first try, one retry with the reason, one full rewrite
	var reason string
	for attempt := range attempts {
		resp, err := e.callAs(ctx, step, "researcher", res, llm.Request{
			Role: "researcher", Messages: messages, Parents: llmParents,
			Seed: rng.Int64(),
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

// callAs makes a call to p and records it under role.
func (e *Engine) callAs(ctx context.Context, step int64, role string, p llm.Provider, req llm.Request) (llm.Response, error) {
	est, ok := e.reserve(ctx, p, req)
	if !ok {
		return llm.Response{}, errOverBudget
	}
	defer e.unreserve(est)
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

func (e *Engine) record(ctx context.Context, step int64, provider string, req llm.Request, resp llm.Response, callErr error) {
	var prompt strings.Builder
	for _, m := range req.Messages {
		fmt.Fprintf(&prompt, "[%s]\n%s\n", m.Role, m.Content)
	}
	c := store.Call{
		Step: step, Role: req.Role, Provider: provider, Model: resp.Model,
		PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens,
		CostUSD: resp.Usage.CostUSD, Latency: resp.Latency, Prompt: prompt.String(), Reply: resp.Content,
	}
	if callErr != nil {
		c.Error = callErr.Error()
	}
	if provider == store.OfflineProvider {
		// No model answered: the exchange is kept for the node's record
		// and counted as offline, never as a call, tokens or money.
		if err := e.cfg.Store.RecordCall(context.WithoutCancel(ctx), c); err == nil {
			e.mu.Lock()
			e.usage.Offline++
			e.mu.Unlock()
		}
		return
	}
	defer func() {
		e.mu.Lock()
		if !e.priced {
			e.priced = true
			close(e.pricedCh)
		}
		e.mu.Unlock()
	}()
	// Recording must outlive a hard stop: the money was spent.
	if err := e.cfg.Store.RecordCall(context.WithoutCancel(ctx), c); err == nil {
		e.mu.Lock()
		e.usage.Calls++
		e.usage.PromptTokens += int64(c.PromptTokens)
		e.usage.CompletionTokens += int64(c.CompletionTokens)
		e.usage.CostUSD += c.CostUSD
		e.maxCall = max(e.maxCall, c.CostUSD)
		if c.Role == "researcher" || c.Role == "repair" {
			e.stepSpend[step] += c.CostUSD
		}
		e.mu.Unlock()
	}
}

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
	defer func() { node.EvalTime = time.Since(start) }()
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
	for i, stage := range stages {
		stageStart := time.Now()
		res, err := e.cfg.Task.Evaluate(ctx, cand, i, e.cfg.Seed+node.Step)
		if err == nil && ctx.Err() == nil {
			e.mu.Lock()
			e.stageTimes.add(i, time.Since(stageStart))
			e.mu.Unlock()
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
			sort.Strings(nonFinite)
			why := strings.Join(nonFinite, ", ") + " (every metric must be a finite number)"
			if res.Valid {
				res.Valid, res.Feedback = false, strings.TrimSpace(why+"\n"+res.Feedback)
			} else {
				res.Feedback = strings.TrimSpace(res.Feedback + "\n" + why)
			}
		}
		for k, v := range res.Artifacts {
			artifacts[k] = v
		}
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
		if has && !e.cfg.NoCascade && i < len(stages)-1 && e.better(threshold, score) {
			e.mu.Lock()
			saved := e.stageTimes.after(i, len(stages))
			e.mu.Unlock()
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
	desc := e.analyzerDesc()
	if la, ok := e.cfg.Analyzer.(roles.LLMAnalyzer); ok {
		est, ok := e.reserve(ctx, la.Provider, la.Request(desc, roleNode(*node), best))
		if !ok {
			node.Analysis = "(no analysis: the money budget cannot afford it)"
			return "", nil
		}
		defer e.unreserve(est)
	}
	a, err := e.cfg.Analyzer.Analyze(ctx, desc, roleNode(*node), best)
	if a.Response != nil || err != nil {
		var resp llm.Response
		if a.Response != nil {
			resp = *a.Response
		}
		name := "analyzer"
		if p, ok := e.cfg.Analyzer.(roles.LLMAnalyzer); ok {
			name = providerName(p.Provider)
		}
		e.record(ctx, step, name, llm.Request{Role: "analyzer", Messages: []llm.Message{{Role: "user", Content: a.Prompt}}}, resp, err)
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
	e.addVector(ctx, *n)
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
	p := Progress{
		Done: e.done, Total: e.cfg.Budget.Steps, Failures: e.failures, InfraFailures: e.infraFailures,
		Best: e.best.Score, HasBest: e.hasBest, Elapsed: time.Since(e.started),
		LastNode: n.ID, LastName: n.Name, LastScore: n.Score, LastValid: n.Valid,
		Spend: e.usage.CostUSD, RunSteps: e.runSteps, Counters: e.counters,
	}
	if e.cfg.Progress != nil {
		e.cfg.Progress(p) // under mu: progress calls never interleave
	}
	e.mu.Unlock()
	return nil
}

func roleNode(n store.Node) roles.Node {
	return roles.Node{
		ID: n.ID, Name: n.Name, Motivation: n.Motivation, Code: n.Code, Analysis: n.Analysis,
		Feedback: n.Feedback, Metrics: n.Metrics, Score: n.Score, Valid: n.Valid,
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
