package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/asi-evolve/asi/sdk"
)

// Names of the metrics an evaluation reports; per-kind metrics are
// MetricVsAdamPrefix followed by the problem kind.
const (
	MetricScore        = "score"
	MetricSGDScore     = "sgd_score"
	MetricCodeLength   = "code_length"
	MetricRuntimeMS    = "runtime_ms"
	MetricVsAdamPrefix = "vs_adam_"
)

const (
	defaultSteps     = 200
	maxSteps         = 2000
	defaultInstances = 3
	maxInstances     = 10
	// feedbackTail bounds how much of the guest's stderr goes into feedback.
	feedbackTail = 2 << 10
)

// languages are the values the language setting accepts, the default
// first.
var languages = []string{"python", "go"}

var (
	//go:embed initial.py.txt
	initialProgram string
	//go:embed initial.go.txt
	initialGo string
)

// harness is one language's initial program, the file it runs as and how
// the statement names the step function.
type harness struct {
	file, program, signature string
}

var harnesses = map[string]harness{
	"python": {file: "main.py", program: initialProgram, signature: "a Python 3.11 program (standard library only, no numpy). Its EVOLVE block must define\n\n    step(params, grads, state, t) -> (new_params, new_state)\n\n- `params` and `grads` are lists of floats of the same length (the current\n  parameters of one problem and the gradient of its training loss there);\n- `state` is None on the first call for a problem and afterwards whatever\n  your previous call returned (any Python value: lists, dicts, numbers);\n- `t` counts the updates of the current problem from 1."},
	"go":     {file: "main.go", program: initialGo, signature: "a Go program (standard library; the harness imports encoding/json, fmt, math and os) built for wasip1. Its EVOLVE block must define a type optState and\n\n    func newState(n int) *optState\n    func step(params, grads []float64, s *optState, t int) []float64\n\n- newState makes the state of one problem with n parameters;\n- `params` and `grads` have the same length (the current parameters of\n  one problem and the gradient of its training loss there); step returns\n  the new parameters and may update *s;\n- `t` counts the updates of the current problem from 1."},
}

//go:embed statement.md
var statement string

// Task is the optimizer task. It is safe for concurrent Evaluate calls once
// configured.
type Task struct {
	mu        sync.RWMutex
	sandbox   sdk.Sandbox
	language  string
	steps     int
	instances int
}

// Describe implements sdk.Task.
func (t *Task) Describe(context.Context) (sdk.Description, error) {
	t.mu.RLock()
	steps, instances, language := t.steps, t.instances, t.language
	t.mu.RUnlock()
	if steps == 0 {
		steps, instances, language = defaultSteps, defaultInstances, languages[0]
	}
	h := harnesses[language]
	metrics := []sdk.Metric{
		{Name: MetricScore, Description: "mean over the problems of log10(Adam's held-out loss / the candidate's), each clamped to ±3: 0 matches Adam, higher is better"},
		{Name: MetricSGDScore, Description: "the same score for plain SGD (lr 0.001) on the same problems, for reference"},
		{Name: MetricCodeLength, Description: "bytes of the EVOLVE block"},
		{Name: MetricRuntimeMS, Description: "wall-clock milliseconds the harness ran in the sandbox"},
	}
	for _, kind := range Kinds {
		metrics = append(metrics, sdk.Metric{Name: MetricVsAdamPrefix + kind,
			Description: "mean over the " + kind + " instances of log10(Adam's held-out loss / the candidate's) (higher is better)"})
	}
	return sdk.Description{
		Name:              "optimizer",
		Version:           "0.1.0",
		Statement:         strings.NewReplacer("{{steps}}", fmt.Sprint(steps), "{{instances}}", fmt.Sprint(instances), "{{program}}", h.signature).Replace(statement),
		Language:          language,
		InitialProgram:    h.program,
		Metrics:           metrics,
		Primary:           MetricScore,
		Direction:         sdk.Maximize,
		FeatureDimensions: []string{MetricCodeLength, MetricVsAdamPrefix + ProblemRosenbrock},
		Stages:            []sdk.Stage{{Name: "train"}},
		Config: []sdk.Setting{
			{Name: "language", Type: sdk.TypeString, Default: languages[0], Description: "language of the candidates: " + strings.Join(languages, ", ")},
			{Name: "steps", Type: sdk.TypeNumber, Default: float64(defaultSteps), Description: "updates per problem"},
			{Name: "instances", Type: sdk.TypeNumber, Default: float64(defaultInstances), Description: "problems of each kind per evaluation, each drawn afresh"},
		},
	}, nil
}

// Configure implements sdk.Task.
func (t *Task) Configure(_ context.Context, req sdk.ConfigureRequest) error {
	language, errLanguage := req.Settings.String("language")
	steps, errSteps := req.Settings.Int("steps")
	instances, errInstances := req.Settings.Int("instances")
	if err := errors.Join(errLanguage, errSteps, errInstances); err != nil {
		return err
	}
	if !slices.Contains(languages, language) {
		return sdk.Errorf([]string{"language"}, "Unsupported language",
			"optimizer has a harness in %s only, not %q.", strings.Join(languages, ", "), language)
	}
	if steps < 1 || steps > maxSteps {
		return sdk.Errorf([]string{"steps"}, "Value out of range", "steps must be a whole number from 1 to %d, not %d.", maxSteps, steps)
	}
	if instances < 1 || instances > maxInstances {
		return sdk.Errorf([]string{"instances"}, "Value out of range", "instances must be a whole number from 1 to %d, not %d.", maxInstances, instances)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sandbox, t.language, t.steps, t.instances = req.Host.Sandbox, language, steps, instances
	return nil
}

// request is what the harness reads on stdin.
type request struct {
	Steps    int       `json:"steps"`
	Problems []Problem `json:"problems"`
}

// Evaluate implements sdk.Task: it draws the problems from seed, has the
// candidate's harness train them in the sandbox, and scores the returned
// parameters against Adam run here on the same problems.
func (t *Task) Evaluate(ctx context.Context, c sdk.Candidate, stage int, seed int64) (sdk.Result, error) {
	t.mu.RLock()
	sb, language, steps, instances := t.sandbox, t.language, t.steps, t.instances
	t.mu.RUnlock()
	if sb == nil {
		return sdk.Result{}, sdk.ErrNotConfigured
	}
	if stage != 0 {
		return sdk.Result{}, fmt.Errorf("optimizer: stage %d: only stage 0 exists", stage)
	}
	if c.Language != "" && c.Language != language {
		return sdk.Invalid(fmt.Sprintf("the program must be %s, not %q", language, c.Language), nil), nil
	}
	h := harnesses[language]
	block, err := sdk.EvolveBlock(c.Code, h.program)
	if err != nil {
		return sdk.Invalid(err.Error()+"; change only the lines between EVOLVE-BLOCK-START and EVOLVE-BLOCK-END", nil), nil
	}

	suite := Suite(seed, instances)
	stdin, err := json.Marshal(request{Steps: steps, Problems: suite})
	if err != nil {
		return sdk.Result{}, fmt.Errorf("optimizer: encode problems: %w", err)
	}
	run, err := sb.Run(ctx, sdk.SandboxRun{Language: language, Files: map[string][]byte{h.file: []byte(c.Code)}, Stdin: stdin})
	if err != nil {
		return sdk.Result{}, fmt.Errorf("optimizer: node %d: %w", c.NodeID, err)
	}
	artifacts := map[string][]byte{"stdout": run.Stdout, "stderr": run.Stderr}
	if !run.OK() {
		return sdk.Invalid(sdk.FailedRun("the program", run, feedbackTail), artifacts), nil
	}

	adamParams, sgdParams := make([][]float64, len(suite)), make([][]float64, len(suite))
	for i, p := range suite {
		adamParams[i] = train(p, steps, adam(len(p.Init)))
		sgdParams[i] = train(p, steps, sgd)
	}
	score, outcomes, err := Score(run.Stdout, suite, adamParams, sgdParams)
	if err != nil {
		return sdk.Invalid("rejected: "+err.Error(), artifacts), nil
	}
	metrics := map[string]float64{
		MetricScore:      score,
		MetricCodeLength: float64(len(block)),
		MetricRuntimeMS:  float64(run.Wall.Microseconds()) / 1000,
	}
	var lines []string
	sgdScore := 0.0
	for i, o := range outcomes {
		metrics[MetricVsAdamPrefix+suite[i].Kind] += o.VsAdam / float64(instances)
		sgdScore += o.SGDRatio / float64(len(outcomes))
		lines = append(lines, fmt.Sprintf("%s: held-out loss %.4g (Adam %.4g, SGD %.4g) -> %+.2f", o.Problem, o.Loss, o.Adam, o.SGD, o.VsAdam))
	}
	metrics[MetricSGDScore] = sgdScore
	return sdk.Result{
		Valid:   true,
		Metrics: metrics,
		Feedback: fmt.Sprintf("score %+.3f (0 = Adam, plain SGD %+.3f; each +1 is 10x lower loss than Adam), %d problems, %d steps each, ran %.0fms\n%s",
			score, sgdScore, len(suite), steps, metrics[MetricRuntimeMS], strings.Join(lines, "\n")),
		Artifacts: artifacts,
	}, nil
}

var _ sdk.Task = (*Task)(nil)
