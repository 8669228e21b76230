package circlepacking

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/sandbox"
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

//go:embed initial.go.txt
var initialProgram string

//go:embed statement.md
var statement string

// Task is the circle packing task. It is safe for concurrent Evaluate calls.
type Task struct {
	rt  *sandbox.Runtime
	cfg sandbox.Config
}

// New returns the task, running candidates on rt under cfg. The caller owns
// rt and closes it after the last evaluation.
func New(rt *sandbox.Runtime, cfg sandbox.Config) *Task {
	return &Task{rt: rt, cfg: cfg}
}

// Describe implements task.Interface.
func (t *Task) Describe(ctx context.Context) (task.Description, error) {
	st := strings.NewReplacer(
		"{{memory}}", formatMemory(t.cfg.MemoryLimit()),
		"{{timeout}}", t.cfg.Timeout().String(),
	).Replace(statement)
	return task.Description{
		Name:           "circlepacking",
		Version:        "1.0.0",
		Statement:      st,
		Language:       "go",
		InitialProgram: initialProgram,
		Metrics: []task.Metric{
			{Name: MetricSumRadii, Description: "sum of the radii of the 26 circles (higher is better)"},
			{Name: MetricMinGap, Description: "smallest distance between two circles or a circle and a wall; about 0 when circles touch"},
			{Name: MetricRadiusStd, Description: "standard deviation of the radii: 0 when all circles are equal"},
			{Name: MetricCenterDistance, Description: "mean distance of the centres from the middle of the square"},
			{Name: MetricRuntimeMS, Description: "wall-clock milliseconds the program ran in the sandbox"},
		},
		Primary:           MetricSumRadii,
		Direction:         task.Maximize,
		FeatureDimensions: []string{MetricRadiusStd, MetricCenterDistance},
		Stages:            []task.Stage{{Name: "run"}},
	}, nil
}

// Evaluate implements task.Interface: it builds the candidate, runs it in
// the sandbox and scores what it printed. The seed is unused: the task is
// deterministic.
func (t *Task) Evaluate(ctx context.Context, c task.Candidate, stage int, seed int64) (task.Result, error) {
	if stage != 0 {
		return task.Result{}, fmt.Errorf("circlepacking: stage %d: only stage 0 exists", stage)
	}
	if c.Language != "" && c.Language != "go" {
		return invalid(fmt.Sprintf("the program must be Go, not %q", c.Language), nil), nil
	}
	m, err := t.rt.BuildGo(ctx, []byte(c.Code))
	var compileErr *sandbox.CompileError
	if errors.As(err, &compileErr) {
		return invalid("the program does not compile:\n"+compileErr.Output, nil), nil
	}
	if err != nil {
		return task.Result{}, fmt.Errorf("circlepacking: node %d: build: %w", c.NodeID, err)
	}
	defer m.Close(context.WithoutCancel(ctx))

	run, err := t.rt.Run(ctx, m, t.cfg)
	if err != nil {
		return task.Result{}, fmt.Errorf("circlepacking: node %d: run: %w", c.NodeID, err)
	}
	artifacts := map[string][]byte{"stdout": run.Stdout, "stderr": run.Stderr}
	if !run.OK() {
		msg := fmt.Sprintf("the program failed (%s): %s", run.Reason, run.Detail)
		if tail := lastBytes(run.Stderr, feedbackTail); len(tail) > 0 {
			msg += "\nstderr (end):\n" + tail
		}
		return invalid(msg, artifacts), nil
	}

	sum, metrics, err := Score(run.Stdout)
	if err != nil {
		return invalid("invalid packing: "+err.Error(), artifacts), nil
	}
	metrics[MetricRuntimeMS] = float64(run.Wall.Microseconds()) / 1000
	p, _ := parse(run.Stdout) // cannot fail: Score accepted it
	if solution, err := json.Marshal(p); err == nil {
		artifacts["solution.json"] = solution
	}
	return task.Result{
		Metrics: metrics,
		Valid:   true,
		Feedback: fmt.Sprintf("valid packing: sum of radii %.6f (best known %.5f, %.2f%% of it); smallest gap %.3g; ran %.0fms",
			sum, BestKnown, 100*sum/BestKnown, metrics[MetricMinGap], metrics[MetricRuntimeMS]),
		Artifacts: artifacts,
	}, nil
}

func invalid(feedback string, artifacts map[string][]byte) task.Result {
	return task.Result{Valid: false, Feedback: feedback, Artifacts: artifacts}
}

func formatMemory(bytes uint64) string {
	if bytes%(1<<20) == 0 {
		return fmt.Sprintf("%dMiB", bytes>>20)
	}
	return fmt.Sprintf("%dKiB", bytes>>10)
}

// lastBytes returns at most n bytes from the end of b, as text.
func lastBytes(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}

var _ task.Interface = (*Task)(nil)
