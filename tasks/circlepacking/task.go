package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/asi-evolve/asi/sdk"
)

// Names of the metrics an evaluation reports.
const (
	MetricSumRadii       = "sum_radii"
	MetricMinGap         = "min_gap"
	MetricRadiusStd      = "radius_std"
	MetricCenterDistance = "mean_center_distance"
	MetricRuntimeMS      = "runtime_ms"
)

const (
	// BestKnown is the best known sum of radii for 26 circles.
	BestKnown = 2.63598
	// feedbackTail bounds how much of the guest's stderr goes into feedback.
	feedbackTail = 2 << 10
)

// languages are the values the language setting accepts.
var languages = []string{"go", "python"}

// initialPrograms are the initial programs by language, each with the same
// layout and constants, so both start from the same score.
var initialPrograms = map[string]string{"go": initialProgram, "python": initialPythonProgram}

// mainFiles name the candidate's one source file by language.
var mainFiles = map[string]string{"go": "main.go", "python": "main.py"}

//go:embed initial.go.txt
var initialProgram string

//go:embed initial.py.txt
var initialPythonProgram string

//go:embed statement.md
var statement string

// languageRules is the part of the statement that depends on the language.
var languageRules = map[string]string{
	"go": `The candidate is a complete Go program (package main, standard library only)
built for GOOS=wasip1 GOARCH=wasm and run in a sandbox`,
	"python": `The candidate is a complete Python 3.11 program (one file, standard library
only; no numpy) run by CPython compiled to WebAssembly in a sandbox`,
}

// Task is the circle packing task. It is safe for concurrent Evaluate calls
// once configured.
type Task struct {
	mu       sync.RWMutex
	sandbox  sdk.Sandbox
	limits   sdk.Limits
	language string
}

// Describe implements sdk.Task. Before Configure the statement speaks of
// "the campaign's" limits; after it, of the numbers.
func (t *Task) Describe(ctx context.Context) (sdk.Description, error) {
	t.mu.RLock()
	limits, language := t.limits, t.language
	t.mu.RUnlock()
	memory, timeout := "the campaign's limit", "the campaign's limit"
	if limits.Memory > 0 {
		memory = formatMemory(limits.Memory)
	}
	if limits.Timeout > 0 {
		timeout = limits.Timeout.String()
	}
	if language == "" {
		language = languages[0]
	}
	st := strings.NewReplacer("{{memory}}", memory, "{{timeout}}", timeout,
		"{{language_rules}}", languageRules[language]).Replace(statement)
	return sdk.Description{
		Name:           "circlepacking",
		Version:        "1.1.0",
		Statement:      st,
		Language:       language,
		InitialProgram: initialPrograms[language],
		Metrics: []sdk.Metric{
			{Name: MetricSumRadii, Description: "sum of the radii of the 26 circles (higher is better)"},
			{Name: MetricMinGap, Description: "smallest distance between two circles or a circle and a wall; about 0 when circles touch"},
			{Name: MetricRadiusStd, Description: "standard deviation of the radii: 0 when all circles are equal"},
			{Name: MetricCenterDistance, Description: "mean distance of the centres from the middle of the square"},
			{Name: MetricRuntimeMS, Description: "wall-clock milliseconds the program ran in the sandbox"},
		},
		Primary:           MetricSumRadii,
		Direction:         sdk.Maximize,
		FeatureDimensions: []string{MetricRadiusStd, MetricCenterDistance},
		Stages:            []sdk.Stage{{Name: "run"}},
		Config: []sdk.Setting{{
			Name: "language", Type: sdk.TypeString, Default: languages[0],
			Description: "language of the candidate programs: " + strings.Join(languages, ", "),
		}},
	}, nil
}

// Configure implements sdk.Task.
func (t *Task) Configure(ctx context.Context, req sdk.ConfigureRequest) error {
	language, _ := req.Settings["language"].(string)
	if !slices.Contains(languages, language) {
		return sdk.Errorf([]string{"language"}, "Unsupported language",
			"circlepacking has an initial program in %s only, not %q.", strings.Join(languages, ", "), language)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sandbox, t.limits, t.language = req.Host.Sandbox, req.Limits, language
	return nil
}

// Evaluate implements sdk.Task: it runs the candidate in the host's
// sandbox and scores what it printed. The seed is unused: the task is
// deterministic.
func (t *Task) Evaluate(ctx context.Context, c sdk.Candidate, stage int, seed int64) (sdk.Result, error) {
	t.mu.RLock()
	sb, language := t.sandbox, t.language
	t.mu.RUnlock()
	if sb == nil {
		return sdk.Result{}, sdk.ErrNotConfigured
	}
	if stage != 0 {
		return sdk.Result{}, fmt.Errorf("circlepacking: stage %d: only stage 0 exists", stage)
	}
	if c.Language != "" && c.Language != language {
		return sdk.Invalid(fmt.Sprintf("the program must be %s, not %q", language, c.Language), nil), nil
	}
	run, err := sb.Run(ctx, sdk.SandboxRun{Language: language, Files: map[string][]byte{mainFiles[language]: []byte(c.Code)}})
	if err != nil {
		return sdk.Result{}, fmt.Errorf("circlepacking: node %d: %w", c.NodeID, err)
	}
	if run.Reason == sdk.ReasonCompile { // nothing ran: no output to keep
		return sdk.Invalid(sdk.FailedRun("the program", run, feedbackTail), nil), nil
	}
	artifacts := map[string][]byte{"stdout": run.Stdout, "stderr": run.Stderr}
	if !run.OK() {
		return sdk.Invalid(sdk.FailedRun("the program", run, feedbackTail), artifacts), nil
	}

	sum, metrics, err := Score(run.Stdout)
	if err != nil {
		return sdk.Invalid("invalid packing: "+err.Error(), artifacts), nil
	}
	metrics[MetricRuntimeMS] = float64(run.Wall.Microseconds()) / 1000
	p, _ := parse(run.Stdout) // cannot fail: Score accepted it
	if solution, err := json.Marshal(p); err == nil {
		artifacts["solution.json"] = solution
	}
	return sdk.Result{
		Metrics: metrics,
		Valid:   true,
		Feedback: fmt.Sprintf("valid packing: sum of radii %.6f (best known %.5f, %.2f%% of it); smallest gap %.3g; ran %.0fms",
			sum, BestKnown, 100*sum/BestKnown, metrics[MetricMinGap], metrics[MetricRuntimeMS]),
		Artifacts: artifacts,
	}, nil
}

func formatMemory(bytes uint64) string {
	if bytes%(1<<20) == 0 {
		return fmt.Sprintf("%dMiB", bytes>>20)
	}
	return fmt.Sprintf("%dKiB", bytes>>10)
}

var _ sdk.Task = (*Task)(nil)
