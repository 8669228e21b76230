package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/asi-evolve/asi/sdk"
)

//go:embed initial.go.txt
var initialProgram string

//go:embed data.csv
var dataCSV []byte

// point is one row of the data set.
type point struct{ x, y float64 }

// Task is the symbolic regression task. Evaluate is safe for concurrent
// use once Configure has run.
type Task struct {
	mu      sync.RWMutex
	sandbox sdk.Sandbox
	points  []point
}

// Describe implements sdk.Task.
func (t *Task) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{
		Name:    "symreg",
		Version: "0.1.0",
		Statement: "Find a formula y = f(x) that fits a data set of (x, y) pairs with x in [-2, 2]. " +
			"The program reads one x per line on stdin and prints f(x), one per line, in the same order. " +
			"The score is the mean squared error against the hidden y values (lower is better). " +
			"Only f, between the EVOLVE-BLOCK markers, may change; use the math package freely.",
		Language:       "go",
		InitialProgram: initialProgram,
		Metrics: []sdk.Metric{
			{Name: "mse", Description: "mean squared error of f(x) against y (lower is better)"},
			{Name: "max_error", Description: "largest absolute error over the points"},
		},
		Primary:           "mse",
		Direction:         sdk.Minimize,
		FeatureDimensions: []string{"max_error"},
		Stages:            []sdk.Stage{{Name: "fit"}},
		Config: []sdk.Setting{{
			Name: "points", Type: sdk.TypeNumber, Default: 0.0,
			Description: "how many points of the data set to fit, from the start; 0 for all",
		}},
	}, nil
}

// Configure implements sdk.Task.
func (t *Task) Configure(_ context.Context, req sdk.ConfigureRequest) error {
	all, err := parseData(dataCSV)
	if err != nil {
		return fmt.Errorf("data.csv: %w", err)
	}
	n, err := req.Settings.Int("points")
	if err != nil {
		return err
	}
	switch {
	case n < 0 || n > len(all):
		return sdk.Errorf([]string{"points"}, "Value out of range",
			"points must be from 1 to %d, or 0 for all of them; it is %d.", len(all), n)
	case n > 0:
		all = all[:n]
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sandbox, t.points = req.Host.Sandbox, all
	return nil
}

// Evaluate implements sdk.Task: it runs the program on the x values and
// computes the errors itself.
func (t *Task) Evaluate(ctx context.Context, c sdk.Candidate, _ int, _ int64) (sdk.Result, error) {
	t.mu.RLock()
	sb, points := t.sandbox, t.points
	t.mu.RUnlock()
	if sb == nil {
		return sdk.Result{}, sdk.ErrNotConfigured
	}
	var stdin bytes.Buffer
	for _, p := range points {
		fmt.Fprintln(&stdin, strconv.FormatFloat(p.x, 'g', -1, 64))
	}
	run, err := sb.Run(ctx, sdk.SandboxRun{
		Language: "go", Files: map[string][]byte{"main.go": []byte(c.Code)}, Stdin: stdin.Bytes(),
	})
	if err != nil {
		return sdk.Result{}, fmt.Errorf("symreg: node %d: %w", c.NodeID, err)
	}
	artifacts := map[string][]byte{"stdout": run.Stdout, "stderr": run.Stderr}
	switch {
	case run.Reason == sdk.ReasonCompile:
		return sdk.Invalid("the program does not compile:\n"+run.Detail, nil), nil
	case !run.OK():
		return sdk.Invalid(fmt.Sprintf("the program failed (%s): %s", run.Reason, run.Detail), artifacts), nil
	}
	ys, err := parseOutput(run.Stdout, len(points))
	if err != nil {
		return sdk.Invalid("bad output: "+err.Error(), artifacts), nil
	}
	var sum, worst float64
	worstAt := 0
	for i, p := range points {
		d := ys[i] - p.y
		sum += d * d
		if math.Abs(d) > worst {
			worst, worstAt = math.Abs(d), i
		}
	}
	mse := sum / float64(len(points))
	return sdk.Result{
		Valid:   true,
		Metrics: map[string]float64{"mse": mse, "max_error": worst},
		Feedback: fmt.Sprintf("mse %.6g over %d points; largest error %.4g at x=%.3f (f(x)=%.4g, y=%.4g)",
			mse, len(points), worst, points[worstAt].x, ys[worstAt], points[worstAt].y),
		Artifacts: artifacts,
	}, nil
}

func parseData(b []byte) ([]point, error) {
	var out []point
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		if line == 1 {
			continue // header
		}
		xs, ys, ok := strings.Cut(sc.Text(), ",")
		x, errX := strconv.ParseFloat(xs, 64)
		y, errY := strconv.ParseFloat(ys, 64)
		if !ok || errX != nil || errY != nil {
			return nil, fmt.Errorf("line %d: want x,y", line)
		}
		out = append(out, point{x, y})
	}
	return out, sc.Err()
}

// parseOutput reads exactly n finite numbers, one per line.
func parseOutput(b []byte, n int) ([]float64, error) {
	var out []float64
	for i, line := range strings.Fields(string(b)) {
		v, err := strconv.ParseFloat(strings.TrimSpace(line), 64)
		if err != nil {
			return nil, fmt.Errorf("value %d: %q is not a number (print only f(x), one per line)", i+1, line)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("value %d: f(x) is %v", i+1, v)
		}
		out = append(out, v)
	}
	if len(out) != n {
		return nil, fmt.Errorf("printed %d values for %d inputs", len(out), n)
	}
	return out, nil
}

var _ sdk.Task = (*Task)(nil)
