package main

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/plugins/plugintest"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
	"github.com/asi-evolve/asi/sdk/tasktest"
)

// serveTask serves the task for Go candidates through the plugin protocol
// with the host's real sandbox within cfg, as asi runs it (the test may use
// the host; the task itself imports only the sdk).
func serveTask(t testing.TB, cfg sandbox.Config) sdk.Task {
	t.Helper()
	return plugintest.ServeTask(t, &Task{}, map[string]any{"language": "go"}, sandbox.Options{}, cfg)
}

// servePythonTask serves the task for Python candidates, skipping when the
// CPython runtime is not built on this machine.
func servePythonTask(t testing.TB) sdk.Task {
	t.Helper()
	plugintest.RequirePython(t)
	// The shared cache makes the interpreter's compilation a file read
	// after its first time.
	return plugintest.ServeTask(t, &Task{}, map[string]any{"language": "python"},
		sandbox.Options{CacheDir: sandbox.CacheDir()}, sandbox.NewConfig().WithTimeout(30*time.Second))
}

func program(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "programs", name+".go"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDescribe(t *testing.T) {
	tk := serveTask(t, sandbox.NewConfig().WithTimeout(7*time.Second).WithMemoryLimit(96<<20))
	d, err := tk.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "circlepacking" || d.Language != "go" || d.Primary != MetricSumRadii || d.Direction != sdk.Maximize {
		t.Errorf("description header = %q %q %q %q", d.Name, d.Language, d.Primary, d.Direction)
	}
	if !strings.Contains(d.Statement, "96MiB of memory and 7s of wall") || strings.Contains(d.Statement, "{{") {
		t.Errorf("statement does not show the configured limits:\n%s", d.Statement)
	}
	names := map[string]bool{}
	for _, m := range d.Metrics {
		names[m.Name] = true
	}
	for _, want := range append([]string{d.Primary}, d.FeatureDimensions...) {
		if !names[want] {
			t.Errorf("metric %q is used but not described", want)
		}
	}
	start := strings.Index(d.InitialProgram, "EVOLVE-BLOCK-START")
	end := strings.Index(d.InitialProgram, "EVOLVE-BLOCK-END")
	if start < 0 || end < start {
		t.Errorf("initial program lacks EVOLVE-BLOCK markers in order")
	}
	if len(d.Stages) != 1 {
		t.Errorf("%d stages, want 1", len(d.Stages))
	}
}

// The initial program scores about 1.947: clearly below the best known 2.636,
// with room that tuning its constants reaches.
func TestEvaluateInitialProgram(t *testing.T) {
	tk := serveTask(t, sandbox.NewConfig())
	d, _ := tk.Describe(context.Background())
	res, err := tk.Evaluate(context.Background(), sdk.Candidate{Language: "go", Code: d.InitialProgram}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Valid {
		t.Fatalf("initial program invalid: %s", res.Feedback)
	}
	if sum := res.Metrics[MetricSumRadii]; sum < 1.8 || sum > 2.0 {
		t.Errorf("initial sum of radii = %.6f, want within [1.8, 2.0]", sum)
	}
	if res.Metrics[MetricRuntimeMS] <= 0 {
		t.Errorf("runtime_ms = %v, want > 0", res.Metrics[MetricRuntimeMS])
	}
	var p Packing
	if err := json.Unmarshal(res.Artifacts["solution.json"], &p); err != nil || len(p.Radii) != NumCircles {
		t.Errorf("solution.json artifact = %q (%v)", res.Artifacts["solution.json"], err)
	}
	if len(res.Artifacts["stdout"]) == 0 {
		t.Error("stdout artifact is empty")
	}
	t.Logf("initial program: %s", res.Feedback)
}

func TestEvaluateInvalidPrograms(t *testing.T) {
	tk := serveTask(t, sandbox.NewConfig().WithTimeout(time.Second))
	tests := []struct {
		name         string
		code         string
		language     string
		wantFeedback []string
	}{
		{
			name:         "does not compile",
			code:         program(t, "broken"),
			wantFeedback: []string{"does not compile", "main.go:4:2: declared and not used: x"},
		},
		{
			name:         "runs past the timeout",
			code:         program(t, "sleeps"),
			wantFeedback: []string{"the program failed (timeout)"},
		},
		{
			name:         "logs to stdout",
			code:         program(t, "logs"),
			wantFeedback: []string{"invalid packing", "print logs to stderr"},
		},
		{
			name:         "not go",
			code:         "print(1)",
			language:     "python",
			wantFeedback: []string{"must be go"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tk.Evaluate(context.Background(), sdk.Candidate{Language: tt.language, Code: tt.code}, 0, 1)
			if err != nil {
				t.Fatal(err)
			}
			if res.Valid || len(res.Metrics) != 0 {
				t.Errorf("valid %v metrics %v, want invalid without metrics", res.Valid, res.Metrics)
			}
			for _, want := range tt.wantFeedback {
				if !strings.Contains(res.Feedback, want) {
					t.Errorf("feedback %q lacks %q", res.Feedback, want)
				}
			}
		})
	}
}

func TestEvaluateIgnoresClaimedScore(t *testing.T) {
	tk := serveTask(t, sandbox.NewConfig())
	res, err := tk.Evaluate(context.Background(), sdk.Candidate{Code: program(t, "claims_score")}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Valid {
		t.Fatalf("invalid: %s", res.Feedback)
	}
	if sum := res.Metrics[MetricSumRadii]; math.Abs(sum-2.54) > 1e-12 {
		t.Errorf("sum = %v, want 2.54 whatever the program claims", sum)
	}
}

func TestEvaluateUnknownStage(t *testing.T) {
	tk := serveTask(t, sandbox.NewConfig())
	if _, err := tk.Evaluate(context.Background(), sdk.Candidate{Code: "package main"}, 1, 0); err == nil {
		t.Error("stage 1 accepted")
	}
}

// Nudging one constant of the initial program moves its score smoothly, so
// an operator that only mutates numbers can climb.
func TestSmallTweaksImprove(t *testing.T) {
	tk := serveTask(t, sandbox.NewConfig())
	evaluate := func(code string) float64 {
		t.Helper()
		res, err := tk.Evaluate(context.Background(), sdk.Candidate{Code: code}, 0, 1)
		if err != nil || !res.Valid {
			t.Fatalf("evaluate: %v %s", err, res.Feedback)
		}
		return res.Metrics[MetricSumRadii]
	}
	base := evaluate(initialProgram)
	tests := []struct{ name, old, new string }{
		{name: "corner inset +5%", old: "cornerInset = 0.06 ", new: "cornerInset = 0.063 "},
		{name: "outer ring radius +3%", old: "outerRingRadius  = 0.37", new: "outerRingRadius  = 0.38"},
		{name: "outer squareness +5%", old: "outerSquareness  = 2.0 ", new: "outerSquareness  = 2.1 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(initialProgram, tt.old) {
				t.Fatalf("initial program lacks %q", tt.old)
			}
			if got := evaluate(strings.Replace(initialProgram, tt.old, tt.new, 1)); got <= base {
				t.Errorf("sum %.6f after the tweak, want above %.6f", got, base)
			}
		})
	}
}

// The Python initial program has the Go one's layout and constants, so it
// scores the same; its statement and description say Python.
func TestEvaluatePythonInitialProgram(t *testing.T) {
	tk := servePythonTask(t)
	d, err := tk.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Language != "python" || d.InitialProgram != initialPythonProgram {
		t.Errorf("description language %q, initial program %.40q; want python and initial.py.txt", d.Language, d.InitialProgram)
	}
	if !strings.Contains(d.Statement, "Python 3.11 program") || strings.Contains(d.Statement, "Go program") {
		t.Errorf("statement does not speak of Python:\n%s", d.Statement)
	}
	res, err := tk.Evaluate(context.Background(), sdk.Candidate{Language: "python", Code: d.InitialProgram}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Valid {
		t.Fatalf("python initial program invalid: %s", res.Feedback)
	}
	const goScore = 1.946717775074436
	if sum := res.Metrics[MetricSumRadii]; math.Abs(sum-goScore) > 1e-9 {
		t.Errorf("python initial sum of radii = %.15f, want the Go program's %.15f", sum, goScore)
	}
	t.Logf("python initial program: %s", res.Feedback)
}

func TestEvaluatePythonInvalidPrograms(t *testing.T) {
	tk := servePythonTask(t)
	tests := []struct {
		name         string
		code         string
		wantFeedback []string
	}{
		{name: "syntax error", code: "print(\n", wantFeedback: []string{"does not compile", "SyntaxError"}},
		{name: "raises", code: "raise ValueError('no packing')", wantFeedback: []string{"the program failed", "ValueError: no packing"}},
		{name: "prints nothing", code: "pass", wantFeedback: []string{"invalid packing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tk.Evaluate(context.Background(), sdk.Candidate{Language: "python", Code: tt.code}, 0, 1)
			if err != nil {
				t.Fatal(err)
			}
			if res.Valid {
				t.Fatalf("valid, want invalid: %s", res.Feedback)
			}
			for _, want := range tt.wantFeedback {
				if !strings.Contains(res.Feedback, want) {
					t.Errorf("feedback %q lacks %q", res.Feedback, want)
				}
			}
		})
	}
}

func TestConfigureRejectsLanguage(t *testing.T) {
	c := tasktest.Serve(t, &Task{})
	err := c.Configure(context.Background(), sdk.ConfigureRequest{Settings: map[string]any{"language": "cobol"}})
	var errs sdk.ConfigErrors
	if !errors.As(err, &errs) || len(errs) != 1 {
		t.Fatalf("configure error = %v, want one ConfigError", err)
	}
	if got := errs[0]; got.Path[0] != "language" || !strings.Contains(got.Detail, "cobol") {
		t.Errorf("config error = %+v, want one at language naming the value", got)
	}
}
