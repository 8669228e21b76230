package engine

import (
	"context"
	"time"

	"github.com/asi-evolve/asi/cognition"
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
	// Objectives, when set, are the metrics each node's sampling.Node
	// Objectives holds, oriented so that larger is better (for the pareto
	// sampler).
	Objectives []store.Objective
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
	// Feedback, when set, shows the context nodes' raw evaluation outputs
	// in the researcher prompt.
	Feedback *Feedback
	// Stall, when set, stops the campaign once the best score no longer
	// improves, after its responses.
	Stall *Stall
	// Audit, when set, re-scores the best nodes on the task's held-out
	// stages (see Audit).
	Audit *Audit
	// Prompts, when set, evolves the researcher's system prompt; without
	// it the researcher prompt has no system message.
	Prompts *PromptEvolution
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

// Judge scores a valid candidate's design with a rubric; the score is
// blended into the fitness the sampler sees (Node.Score stays the primary
// metric). Weight is in [0, 1].
type Judge struct {
	Provider llm.Provider
	Weight   float64
	Rubric   string // "" uses roles.DefaultRubric
}

// Novelty sends a candidate back to the researcher once, with its twin,
// when a stored node is its twin: always a node with the same program once
// comments, blank lines and the spacing between tokens are set aside (see
// codeKey); and, when Threshold is above 0 and Embedder is set, a node
// whose code embedding is within Threshold cosine similarity. Confirm,
// when set, is asked whether the two really are the same idea before the
// candidate is sent back.
//
// The zero Novelty, what a `novelty {}` block gives, sends back exact
// twins only: with the offline hashing embedder a threshold of 0.98 also
// sends back most edits of a constant or a few lines.
type Novelty struct {
	Embedder  cognition.Embedder // read only when Threshold > 0
	Threshold float64            // cosine similarity in (0, 1]; 0 compares programs only
	Confirm   llm.Provider
}

// embeds reports whether the check compares code embeddings too.
func (nv *Novelty) embeds() bool { return nv.Embedder != nil && nv.Threshold > 0 }

// Metrics the engine adds to a node beside the task's own. They are stored
// with the node, so counters survive a restart and `asi status` can sum
// them. A key is only set when its value is not zero.
const (
	MetricRepairs      = store.MetricRepairs
	MetricCascadeSaved = store.MetricCascadeSaved
	MetricNovelty      = store.MetricNovelty
	MetricJudge        = store.MetricJudge
)
