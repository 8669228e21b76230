package sdk

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Task is what a task plugin implements. Describe and Evaluate may be
// called concurrently; Configure is called once before the first Evaluate
// (and again in a restarted process).
type Task interface {
	// Describe says what the task is. It is called before Configure (for
	// the config schema and API versions) and after it (for the description
	// the campaign uses, which may depend on the settings).
	Describe(ctx context.Context) (Description, error)
	// Configure receives the campaign's task block and the host services.
	// Problems with a setting are returned as *ConfigError (several joined
	// with errors.Join); asi shows each at the attribute it names.
	Configure(ctx context.Context, req ConfigureRequest) error
	// Evaluate scores candidate c at stage (an index into Description.Stages)
	// with seed for any randomness. A bad candidate is a Result with Valid
	// false; an error means the task could not evaluate.
	Evaluate(ctx context.Context, c Candidate, stage int, seed int64) (Result, error)
}

// Direction says whether a larger or a smaller primary metric is better.
type Direction string

const (
	Maximize Direction = "maximize"
	Minimize Direction = "minimize"
)

// Description is what a task tells asi and the researcher about itself.
type Description struct {
	Name    string // the name campaigns use: task = "name"
	Version string // the plugin's own version, such as "1.2.0"
	// APIVersions are filled in by Serve with APIVersion; leave it empty.
	APIVersions []string

	Statement string // the problem, written for the researcher LLM
	Language  string // language of candidate programs, such as "go"
	// InitialProgram is the seed candidate, with EvolveStart/EvolveEnd
	// markers around the regions the researcher may edit.
	InitialProgram string
	// EvolveStart and EvolveEnd default to the EvolveStart and EvolveEnd
	// constants when empty.
	EvolveStart, EvolveEnd string

	Metrics   []Metric
	Primary   string // name of the primary metric
	Direction Direction
	// FeatureDimensions name metrics used as MAP-Elites feature axes.
	FeatureDimensions []string
	// Stages of the cascade; at least one.
	Stages []Stage
	// Config lists the attributes the campaign's task block accepts.
	Config []Setting
	// RunsOn says where and how candidates run with the task's settings,
	// one line for `asi plan`; empty when it is the usual (the sandbox).
	RunsOn string
	// NeedsExecutor says that, with the task's settings, candidates run as
	// jobs of the campaign's executors: asi refuses a campaign file that
	// declares none, at the task attribute.
	NeedsExecutor bool
}

// Metric describes one number an evaluation reports.
type Metric struct {
	Name        string
	Description string
}

// Stage is one step of a cascade evaluation. A candidate whose primary
// score at a stage misses Threshold (in the task's direction) is not
// evaluated at later stages; nil Threshold passes every score.
type Stage struct {
	Name      string
	Threshold *float64
	// HeldOut marks a verification stage the cascade never runs: asi's
	// audit re-scores the best nodes on it, to catch candidates that game
	// the public stages, and the researcher never sees its results. A
	// task needs at least one stage that is not held out.
	HeldOut bool
}

// Types a Setting may have.
const (
	TypeString     = "string"
	TypeNumber     = "number"
	TypeBool       = "bool"
	TypeStringList = "list(string)"
	TypeNumberList = "list(number)"
)

// Setting is one attribute of the task block.
type Setting struct {
	Name        string
	Type        string // one of the Type constants
	Description string
	Required    bool
	// Default is used when the attribute is left out: a string, float64,
	// bool or []any; nil for none.
	Default any
}

// Limits of a sandbox run. Zero fields mean "the campaign's".
type Limits struct {
	Memory      uint64 // bytes
	Timeout     time.Duration
	OutputLimit int64 // bytes kept of stdout and of stderr
}

// ConfigureRequest is what Configure receives.
type ConfigureRequest struct {
	// Settings are the task block's attributes: strings, float64 numbers,
	// bools and []any lists, with defaults from the config schema filled in
	// by the host. Its getters (Settings.Int and the others) read one as
	// the Go type wanted.
	Settings Settings
	// Limits are the campaign's sandbox limits, for the statement; the host
	// enforces them on every Sandbox.Run.
	Limits Limits
	// Host holds the services a task runs untrusted code through.
	Host Host
}

// Host holds the services the host lends a task. They stay usable until
// the plugin exits.
type Host struct {
	Sandbox  Sandbox
	Executor Executor
}

// Candidate is one program to evaluate.
type Candidate struct {
	NodeID   int64
	Language string
	Code     string
}

// Result is the outcome of evaluating a candidate.
type Result struct {
	// Metrics are computed by the task from what the candidate produced.
	Metrics map[string]float64
	// Valid is false when the candidate failed; invalid candidates score
	// nothing.
	Valid bool
	// Feedback is text for the researcher: what went wrong or what the
	// evaluator observed.
	Feedback string
	// Artifacts are named outputs kept with the node (logs, solutions).
	Artifacts map[string][]byte
}

// ConfigError is a problem with one setting of the task block. Path starts
// with the attribute name; list indexes and object keys follow.
type ConfigError struct {
	Path    []string
	Summary string
	Detail  string
}

// Error implements error.
func (e *ConfigError) Error() string {
	s := "task." + strings.Join(e.Path, ".") + ": " + e.Summary
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Errorf returns a *ConfigError for the attribute named by path.
func Errorf(path []string, summary, format string, args ...any) *ConfigError {
	return &ConfigError{Path: path, Summary: summary, Detail: fmt.Sprintf(format, args...)}
}

// ConfigErrors is what a Configure call through the protocol returns when
// the plugin reported problems with the settings.
type ConfigErrors []*ConfigError

// Error implements error.
func (e ConfigErrors) Error() string {
	msgs := make([]string, len(e))
	for i, c := range e {
		msgs[i] = c.Error()
	}
	return strings.Join(msgs, "; ")
}
