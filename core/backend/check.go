package backend

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/diffs"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/plugins"
)

// Why CheckInitial refuses an initial program.
var (
	// ErrNoMarkers: the initial program has no EVOLVE-BLOCK region, or
	// unbalanced markers, so no step could edit it.
	ErrNoMarkers = errors.New("the initial program has no editable region")
	// ErrInitialInvalid: the task found the initial program invalid (it did
	// not build, crashed or answered wrongly).
	ErrInitialInvalid = errors.New("the initial program failed its evaluation")
	// ErrNonFinite: a metric of the initial program is NaN or infinite.
	ErrNonFinite = errors.New("the initial program has a metric that is not a finite number")
	// ErrNoScore: the result lacks the task's primary metric.
	ErrNoScore = errors.New("the initial program has no score")
	// ErrEvaluationTimeout: the evaluation overran the campaign's
	// evaluation_timeout.
	ErrEvaluationTimeout = errors.New("the initial program's evaluation overran evaluation_timeout")
)

// feedbackTailLines is how much of an invalid result's feedback a failed
// check shows: the compiler's last words, not the whole log.
const feedbackTailLines = 20

// CheckOptions say where CheckInitial finds its sandbox cache.
type CheckOptions struct {
	// SandboxCacheDir keeps compiled modules and builds, as for a run.
	SandboxCacheDir string
	// SandboxProgress is told about one-time builds; nil says nothing.
	SandboxProgress func(line string)
}

// InitialCheck is the evaluation of a task's initial program that passed
// CheckInitial.
type InitialCheck struct {
	Task      string // the task's name, as the plugin gives it
	Primary   string // the primary metric
	Direction string // maximize or minimize
	Score     float64
	Metrics   map[string]float64 // every stage's, merged
	Feedback  string
	// Wall is the time the evaluation took, all stages.
	Wall time.Duration
}

// CheckInitial starts the sandbox, the executors and the task plugin as a
// run of cfg would (no models, store or engine), evaluates the task's
// initial program once through every stage, and checks that it has
// EVOLVE-BLOCK markers, is valid, has finite metrics and a score. The
// plugins' stderr goes to a scratch directory removed on return; an error
// from the plugin carries its last lines. It closes everything it started.
func CheckInitial(ctx context.Context, cfg *campaign.Config, opts CheckOptions) (InitialCheck, error) {
	scratch, err := os.MkdirTemp("", "asi-check-")
	if err != nil {
		return InitialCheck{}, err
	}
	r := &Run{}
	r.onClose(func() { _ = os.RemoveAll(scratch) })
	defer r.Close()
	tk, desc, err := r.startPlugins(ctx, cfg, Options{StateDir: scratch, SandboxCacheDir: opts.SandboxCacheDir, SandboxProgress: opts.SandboxProgress})
	if err != nil {
		return InitialCheck{}, err
	}
	if err := checkMarkers(desc.InitialProgram); err != nil {
		return InitialCheck{}, err
	}
	return evaluateInitial(ctx, cfg, tk, desc)
}

func checkMarkers(code string) error {
	regions, err := diffs.Regions(code)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNoMarkers, err)
	}
	if len(regions) == 0 {
		return fmt.Errorf("%w: put the lines a step may change between a line containing %s and one containing %s",
			ErrNoMarkers, diffs.StartMarker, diffs.EndMarker)
	}
	return nil
}

// evaluateInitial evaluates the initial program as the engine's step 0
// would (same node ID and seed), stopping at the first invalid stage.
func evaluateInitial(ctx context.Context, cfg *campaign.Config, tk *plugins.Task, desc task.Description) (InitialCheck, error) {
	out := InitialCheck{Task: desc.Name, Primary: desc.Primary, Direction: string(desc.Direction), Metrics: map[string]float64{}}
	cand := task.Candidate{NodeID: store.NodeID(0), Language: desc.Language, Code: desc.InitialProgram}
	var feedback []string
	start := time.Now()
	for stage := range len(desc.Stages) {
		if desc.Stages[stage].HeldOut {
			continue // the audit's, as in the engine
		}
		res, err := tk.Evaluate(ctx, cand, stage, cfg.Campaign.Seed)
		if errors.Is(err, plugins.ErrDeadline) {
			return out, fmt.Errorf("%w: it took longer than %s; raise evaluation_timeout in the campaign block (default 1h) or make the program faster",
				ErrEvaluationTimeout, cfg.Campaign.EvaluationTimeout)
		}
		if err != nil {
			return out, fmt.Errorf("evaluate the initial program: %w", err)
		}
		if !res.Valid {
			return out, fmt.Errorf("%w; the task said:\n%s", ErrInitialInvalid, lastLines(res.Feedback, feedbackTailLines))
		}
		maps.Copy(out.Metrics, res.Metrics)
		if res.Feedback != "" {
			feedback = append(feedback, res.Feedback)
		}
	}
	out.Wall = time.Since(start)
	out.Feedback = strings.Join(feedback, "\n")
	for _, name := range slices.Sorted(maps.Keys(out.Metrics)) {
		if v := out.Metrics[name]; math.IsNaN(v) || math.IsInf(v, 0) {
			return out, fmt.Errorf("%w: %s is %v; the task must report a number for every metric", ErrNonFinite, name, v)
		}
	}
	score, ok := out.Metrics[desc.Primary]
	if !ok {
		return out, fmt.Errorf("%w: the task reported no %q, its primary metric", ErrNoScore, desc.Primary)
	}
	out.Score = score
	return out, nil
}

// lastLines returns the last n lines of text.
func lastLines(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
