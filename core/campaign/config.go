package campaign

import (
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// Config is a decoded campaign file. Zero values mean "not set" or
// "unlimited" where a field's comment says so; everything else carries its
// default.
type Config struct {
	Filename string // the path the file was loaded from, as given
	Dir      string // absolute directory of that file, for relative paths

	Campaign  Campaign
	Models    map[string]*Model // by label; never nil
	Roles     Roles
	Database  Database
	Cognition Cognition
	Sandbox   Sandbox
	Executors []*Executor        // in file order
	Plugins   map[string]*Plugin // plugin blocks by name; never nil
	Task      TaskBlock          // the task block's settings, for the task plugin
	Research  Research           // cascade, judge, novelty and manager blocks
	// Objectives are the objective blocks in file order; none means the
	// task's primary metric is the only objective.
	Objectives []Objective
	Prompts    Prompts  // the prompts block: evolving the researcher's system prompt
	Feedback   Feedback // the feedback block: parents' raw feedback in the prompt
	Stop       Stop     // the stop block: stopping on stagnation
	Audit      Audit    // the audit block: held-out re-scoring of the best nodes
}

// Campaign is the campaign block.
type Campaign struct {
	Name    string // the block label; safe to use as a directory name
	Task    string // task plugin name
	Workers int    // concurrent steps; default 1
	Seed    int64  // base random seed; default 1
	// EvaluationTimeout bounds one evaluation call to the task plugin, all
	// its sandbox runs and executor jobs included; default 1h. A plugin
	// that overruns it is killed and restarted, and the node fails.
	EvaluationTimeout time.Duration
	Budget            Budget
	// MaxInfraFailures is how many evaluations in a row may fail to run
	// (the task plugin crashing, overrunning EvaluationTimeout or
	// returning an error) before the campaign stops with an error naming
	// the plugin; default 5.
	MaxInfraFailures int

	TaskRange hcl.Range // the task value, for "unknown task" diagnostics
	DeclRange hcl.Range
}

// Budget holds the campaign's stop conditions. A zero field is unlimited.
type Budget struct {
	Steps  int
	Wall   time.Duration
	Tokens int64
	USD    float64
	// Target stops the campaign once the primary score reaches it; nil when
	// unset (0 is a valid target).
	Target *float64
}

// Model is one model block. Its String and GoString never show APIKey.
type Model struct {
	Label    string
	Provider string // "openai" (default), "offline" or "replay"
	BaseURL  string
	APIKey   string // secret: never print it
	Name     string // the model name sent to the server

	Temperature *float64      // nil leaves the server's default
	MaxTokens   int           // 0 leaves the server's default
	Timeout     time.Duration // 0 leaves the provider's default

	PriceInput  float64 // USD per million prompt tokens
	PriceOutput float64 // USD per million completion tokens

	// Weight is the model's share of researcher steps when roles lists
	// several researchers with researcher_choice = "weights"; 0 counts as 1.
	Weight float64
	// ReasoningEffort is sent to reasoning models: low, medium or high;
	// "" leaves the server's default.
	ReasoningEffort string

	Record string // file to record exchanges to; "" records nothing
	File   string // replay file; set when Provider is "replay"

	DeclRange hcl.Range
}

// Roles says which model each role uses.
type Roles struct {
	Researcher string // model label; "" runs the role offline
	Analyzer   string // model label; "" runs the role offline
	MaxRepairs int    // fixes asked for after a failed run; default 1
	// Researchers lists the models when researcher is a list; Researcher
	// is then its first. ResearcherChoice picks one per step: "weights"
	// (also when "": by the models' weight) or "ucb" (a bandit on score
	// gain per dollar).
	Researchers      []string
	ResearcherChoice string

	DeclRange hcl.Range // zero when the file has no roles block
}

// Database configures the program database's sampler.
type Database struct {
	Sampler           string  // ucb1 (default), greedy, random, island, map_elites, pareto, island_map_elites
	SampleN           int     // context nodes per step; default 3
	Islands           int     // island and island_map_elites samplers; default 5
	MigrationInterval int     // island sampler, in steps; default 10
	MigrationRate     float64 // island sampler, in (0,1]; default 0.1
	Exploration       float64 // UCB1 exploration constant c; default 1.414
	GridBins          int     // map_elites and island_map_elites bins per feature; default 10

	// SamplerRange is the sampler attribute's; zero when it is absent.
	SamplerRange hcl.Range
}

// Cognition configures the cognition base.
type Cognition struct {
	Store    string   // "embedded" (default) or "weaviate"
	URL      string   // weaviate endpoint; required for weaviate
	Seed     []string // globs of documents loaded at start, relative to Config.Dir
	TopK     int      // items retrieved per query; default 5
	MinScore float64  // items under this similarity are dropped; default 0
	// Embedder is the label of the model block whose /embeddings endpoint
	// embeds items; "" uses the offline embedder (no model needed).
	Embedder string
	// Dimensions is the embedder's vector size: the offline embedder's
	// (default 384) or what the model answers with (required with a model).
	Dimensions int
	// Collection is the Weaviate collection; "" derives it from the task
	// name, so campaigns of one task share one base.
	Collection string
	// ShareOfflineInsights lets the offline analyzer's insights (no model
	// wrote them) into a weaviate base, tagged "offline"; default false
	// keeps them out of a base other campaigns read. The embedded base,
	// the campaign's own, always keeps them, tagged.
	ShareOfflineInsights bool
}

// Sandbox holds the limits of the wazero sandbox that runs candidates,
// and where it runs them.
type Sandbox struct {
	Memory      uint64        // bytes; default 256 MiB
	Timeout     time.Duration // wall time per run; default 30s
	OutputLimit int           // bytes of stdout/stderr kept; default 1 MiB
	// Executor is the type of the executor block whose cluster runs each
	// sandbox run as a job (SandboxExecutors lists the types that can);
	// "" runs them on this machine.
	Executor      string
	ExecutorRange hcl.Range // the executor value, for diagnostics
	// RandSeed seeds the guest's random source (sandbox.WithRandSeed). It
	// is no attribute of the file: 0, the sandbox's default, for every
	// campaign; `asi task new` runs a drafted evaluator under two seeds to
	// see whether its score depends on random bytes it did not seed.
	RandSeed uint64
}

// SandboxExecutors are the executor types sandbox runs can go to: a
// cluster whose nodes see asi's binary and cache at the same paths.
var SandboxExecutors = []string{ExecutorSlurm}

// Executor is an executor block. Blocks of the built-in types (local, gpu,
// slurm) are decoded into Settings; any other is kept undecoded for its
// executor plugin to read.
type Executor struct {
	Type      string
	Body      hcl.Body
	Settings  *ExecutorSettings // nil for an executor plugin's block
	DeclRange hcl.Range
}

// sensitive replaces a secret wherever one would be shown.
const sensitive = "(sensitive)"

// String describes the model without its API key.
func (m Model) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "model %q: provider=%s", m.Label, m.Provider)
	if m.Name != "" {
		fmt.Fprintf(&b, " name=%s", m.Name)
	}
	if m.BaseURL != "" {
		fmt.Fprintf(&b, " base_url=%s", m.BaseURL)
	}
	if m.APIKey != "" {
		b.WriteString(" api_key=" + sensitive)
	}
	if m.File != "" {
		fmt.Fprintf(&b, " file=%s", m.File)
	}
	if m.Record != "" {
		fmt.Fprintf(&b, " record=%s", m.Record)
	}
	return b.String()
}

// GoString keeps %#v from printing the API key.
func (m Model) GoString() string { return "campaign.Model{" + m.String() + "}" }

// Redacted returns a copy of c for display (`asi plan`): every API key that
// is set reads "(sensitive)". Never run a campaign from the copy.
func (c *Config) Redacted() *Config {
	out := *c
	out.Models = make(map[string]*Model, len(c.Models))
	for label, m := range c.Models {
		copied := *m
		if copied.APIKey != "" {
			copied.APIKey = sensitive
		}
		out.Models[label] = &copied
	}
	out.Cognition.Seed = append([]string(nil), c.Cognition.Seed...)
	out.Executors = append([]*Executor(nil), c.Executors...)
	out.Plugins = maps.Clone(c.Plugins)
	return &out
}

// Resolve returns path as written in the file made usable from anywhere:
// relative paths are taken from the file's directory.
func (c *Config) Resolve(path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(c.Dir, path)
}
