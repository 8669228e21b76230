// Package task defines what the engine needs from a task: a description of
// the problem and an evaluator that scores candidates.
//
// A task is trusted code (installed by the user). The candidates it
// evaluates are not: a task runs them only in the sandbox or an executor job,
// and recomputes every metric from what the candidate produced.
package task

import "context"

// Direction says whether a larger or a smaller primary metric is better.
type Direction string

const (
	Maximize Direction = "maximize"
	Minimize Direction = "minimize"
)

// Metric describes one number an evaluation reports.
type Metric struct {
	Name        string
	Description string
}

// Stage is one step of a cascade evaluation. A candidate whose primary score
// at a stage is below Threshold (in the task's direction) is not evaluated
// at the later stages.
type Stage struct {
	Name      string
	Threshold float64
	// HasThreshold is false when every score passes the stage.
	HasThreshold bool
	// HeldOut marks a verification stage: the cascade never runs it and
	// the researcher never sees its results; the audit re-scores the best
	// nodes on it.
	HeldOut bool
}

// Description is what a task tells the engine and the researcher about itself.
type Description struct {
	Name      string
	Version   string
	Statement string // the problem, written for the researcher LLM
	Language  string // language of candidate programs, e.g. "go"

	// InitialProgram is the seed candidate. It contains EVOLVE-BLOCK-START /
	// EVOLVE-BLOCK-END markers around the regions the researcher may edit.
	InitialProgram string

	Metrics   []Metric
	Primary   string // name of the primary metric
	Direction Direction

	// FeatureDimensions name metrics used as MAP-Elites feature axes.
	FeatureDimensions []string
	Stages            []Stage

	// RunsOn says where and how candidates run, for `asi plan`; empty for
	// the usual (the sandbox).
	RunsOn string
	// NeedsExecutor is set when candidates run as executor jobs.
	NeedsExecutor bool
}

// Candidate is one program to evaluate.
type Candidate struct {
	NodeID   int64
	Language string
	Code     string
}

// Result is the trusted outcome of evaluating a candidate.
type Result struct {
	// Metrics are computed by the task from the candidate's output, never
	// copied from what the candidate claims.
	Metrics map[string]float64
	// Valid is false when the candidate failed (did not build, crashed,
	// produced an infeasible answer). Invalid candidates score nothing.
	Valid bool
	// Feedback is text for the researcher LLM: what went wrong or what the
	// evaluator observed.
	Feedback string
	// Artifacts are named outputs kept with the node (logs, solutions).
	Artifacts map[string][]byte
}

// Interface is implemented by every task, built in or plugin client.
// Evaluate is called concurrently from several workers.
type Interface interface {
	Describe(ctx context.Context) (Description, error)
	// Evaluate runs the candidate at one stage (an index into
	// Description.Stages) with a seed for any randomness the task uses.
	// An error means the evaluation itself could not run (a broken task or
	// host); a bad candidate is a Result with Valid false.
	Evaluate(ctx context.Context, c Candidate, stage int, seed int64) (Result, error)
}
