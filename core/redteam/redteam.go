package redteam

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"time"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/task"
)

// Outcome is what the evaluator under audit made of one program.
type Outcome struct {
	Valid bool
	// Score is the primary metric, as the task reports it (not oriented);
	// zero when the program is invalid.
	Score    float64
	Metrics  map[string]float64
	Feedback string
	// Artifacts are the task's named outputs ("stdout" when the task keeps
	// what the program printed).
	Artifacts map[string][]byte
	// TimedOut is set when the evaluation overran its deadline.
	TimedOut bool
	Wall     time.Duration
}

// Evaluator scores programs; implementations are safe for concurrent use.
// An error means the evaluation could not run (a broken plugin or host),
// not that the program is bad.
type Evaluator interface {
	Evaluate(ctx context.Context, code string, seed int64) (Outcome, error)
}

// Target is what an audit attacks and what counts as beating it.
type Target struct {
	Language string
	Primary  string
	// Minimize is true when a lower primary score is better.
	Minimize bool
	// Program is the honest program whose output the attacks change: the
	// initial program, or a campaign's best node.
	Program string
	// Honest is Program's outcome, evaluated by the caller.
	Honest Outcome
	// Statement and EvaluatorSource are what a model adversary reads;
	// either may be empty.
	Statement       string
	EvaluatorSource string
	// KnownBest is a declared bound no honest program beats (a proven
	// optimum); nil when none is declared.
	KnownBest *float64
	// BestHonest is the best honest score known (a campaign's best node);
	// nil uses Honest.Score. Margin is how far past it, relative, an
	// attempt must score to be a finding when KnownBest is nil.
	BestHonest *float64
	Margin     float64
}

// DefaultMargin is the relative margin over the best honest score that
// makes an attempt a finding when no known best is declared.
const DefaultMargin = 0.5

// Bound is the score an attempt must beat to be a finding, and what it is
// in words.
func (t Target) Bound() (float64, string) {
	if t.KnownBest != nil {
		return *t.KnownBest, "the declared known best"
	}
	best := t.Honest.Score
	if t.BestHonest != nil {
		best = *t.BestHonest
	}
	margin := t.Margin
	if margin <= 0 {
		margin = DefaultMargin
	}
	step := margin * math.Max(math.Abs(best), 1e-9)
	if t.Minimize {
		return best - step, fmt.Sprintf("the best honest score %.6g by %.0f%%", best, 100*margin)
	}
	return best + step, fmt.Sprintf("the best honest score %.6g by %.0f%%", best, 100*margin)
}

// Beats says whether score is strictly better than bound.
func (t Target) Beats(score, bound float64) bool {
	if math.IsNaN(score) || math.IsInf(score, 0) {
		return false
	}
	if t.Minimize {
		return score < bound
	}
	return score > bound
}

// Attack kinds.
const (
	KindLibrary   = "library"
	KindOptimiser = "optimiser"
	KindModel     = "model"
)

// Attack is one program that tries to score without solving the problem.
type Attack struct {
	Name string // short and stable: "nan-all", "truncate-half", "model-2"
	Kind string
	// Description says what the attack does, in words.
	Description string
	Code        string
}

// Attempt is an attack and what the evaluator made of it.
type Attempt struct {
	Attack  Attack
	Outcome Outcome
	// Err is why the evaluation could not run; Outcome is then empty.
	Err     error
	Finding bool
}

// Finding is an attempt the evaluator found valid and that beat the bound.
type Finding struct {
	Attack      string  `json:"attack"`
	Kind        string  `json:"kind"`
	Description string  `json:"description"`
	Score       float64 `json:"score"`
	Bound       float64 `json:"bound"`
	// BoundText says what the bound is ("the declared known best").
	BoundText string `json:"bound_is"`
	Code      string `json:"code"`
	Feedback  string `json:"feedback"`
}

// Report is what an audit did and found.
type Report struct {
	Bound     float64
	BoundText string
	Attempts  []Attempt
	Findings  []Finding
	// Notes are things worth knowing that are not findings (attacks that
	// could not be built for the task's language, a model's reply with no
	// program).
	Notes []string
}

// Options bound an audit.
type Options struct {
	// Budget is how many evaluations the black-box optimiser may spend;
	// 0 uses DefaultBudget, a negative value turns it off.
	Budget int
	// Seed drives the optimiser and the evaluations.
	Seed int64
	// Adversary, when set, writes task-specific hack programs (role
	// "adversary"); ModelAttempts bounds its programs (default 4).
	Adversary     llm.Provider
	ModelAttempts int
	// Progress, when set, is told about each attempt.
	Progress func(done int, a Attempt)
}

// DefaultBudget is the optimiser's default number of evaluations.
const DefaultBudget = 60

// ErrNoHonestProgram: the target's own program is invalid, so there is
// nothing honest to compare with.
var ErrNoHonestProgram = errors.New("redteam: the honest program is not valid")

// TaskEvaluator evaluates programs through a task as the engine's cascade
// does: every stage but the held-out ones, in order, stopping at the first
// invalid one; a non-finite metric or a missing primary metric makes the
// program invalid.
type TaskEvaluator struct {
	Task task.Interface
	Desc task.Description
	// NodeID names the attempts to the task (for its logs and jobs).
	NodeID int64
	// ErrDeadline, when non-nil, is the task's error for an overrun
	// evaluation: such an attempt is an invalid, timed-out outcome.
	ErrDeadline error
}

// Evaluate implements Evaluator.
func (e TaskEvaluator) Evaluate(ctx context.Context, code string, seed int64) (Outcome, error) {
	start := time.Now()
	out, err := e.evaluate(ctx, code, seed)
	out.Wall = time.Since(start)
	return out, err
}

func (e TaskEvaluator) evaluate(ctx context.Context, code string, seed int64) (Outcome, error) {
	out := Outcome{Metrics: map[string]float64{}, Artifacts: map[string][]byte{}}
	cand := task.Candidate{NodeID: e.NodeID, Language: e.Desc.Language, Code: code}
	var feedback string
	stages := max(len(e.Desc.Stages), 1) // a task that declares no stages has one
	for stage := range stages {
		if stage < len(e.Desc.Stages) && e.Desc.Stages[stage].HeldOut {
			continue
		}
		res, err := e.Task.Evaluate(ctx, cand, stage, seed)
		if e.ErrDeadline != nil && errors.Is(err, e.ErrDeadline) {
			out.TimedOut = true
			out.Feedback = "the evaluation overran its deadline"
			return out, nil
		}
		if err != nil {
			return Outcome{}, err
		}
		maps.Copy(out.Metrics, res.Metrics)
		maps.Copy(out.Artifacts, res.Artifacts)
		if res.Feedback != "" {
			if feedback != "" {
				feedback += "\n"
			}
			feedback += res.Feedback
		}
		out.Feedback = feedback
		if !res.Valid {
			return out, nil
		}
	}
	for name, v := range out.Metrics {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			out.Feedback = fmt.Sprintf("%s\nmetric %s is %v", out.Feedback, name, v)
			return out, nil
		}
	}
	score, ok := out.Metrics[e.Desc.Primary]
	if !ok {
		out.Feedback = fmt.Sprintf("%s\nno %s, the primary metric", out.Feedback, e.Desc.Primary)
		return out, nil
	}
	out.Valid, out.Score = true, score
	return out, nil
}
