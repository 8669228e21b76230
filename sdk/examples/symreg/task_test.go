package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/sdk"
	"github.com/asi-evolve/asi/sdk/tasktest"
)

// nativeSandbox stands in for asi's sandbox in this test: it runs the Go
// program with `go run`. Only the test's own programs run here; asi runs
// candidates in wazero.
func nativeSandbox(t *testing.T) sdk.Sandbox {
	return tasktest.SandboxFunc(func(ctx context.Context, r sdk.SandboxRun) (sdk.SandboxResult, error) {
		dir := t.TempDir()
		for name, b := range r.Files {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				return sdk.SandboxResult{}, err
			}
		}
		cmd := exec.CommandContext(ctx, "go", "run", "main.go")
		cmd.Dir = dir
		cmd.Stdin = bytes.NewReader(r.Stdin)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit) && strings.Contains(stderr.String(), "main.go:"):
			return sdk.SandboxResult{Reason: sdk.ReasonCompile, Detail: stderr.String()}, nil
		case errors.As(err, &exit):
			return sdk.SandboxResult{Reason: sdk.ReasonExit, Detail: err.Error(), Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}, nil
		case err != nil:
			return sdk.SandboxResult{}, err
		}
		return sdk.SandboxResult{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}, nil
	})
}

func start(t *testing.T, points float64) sdk.Task {
	return tasktest.Start(t, newTask(), sdk.ConfigureRequest{
		Settings: map[string]any{"points": points},
		Host:     sdk.Host{Sandbox: nativeSandbox(t)},
	})
}

func TestEvaluate(t *testing.T) {
	const exact = "a := 1.5\n\tb := 0.3\n\treturn a*x*x - 0.7*x + b + 0.5*math.Sin(2*x)"
	initialBody := "a := 1.0\n\tb := 0.0\n\treturn a*x + b + 0*math.Sin(x)"
	if !strings.Contains(initialProgram, initialBody) {
		t.Fatal("the initial program changed; update the test")
	}
	tests := []struct {
		name      string
		code      string
		wantValid bool
		maxMSE    float64
		minMSE    float64
		feedback  string
	}{
		{name: "initial program", code: initialProgram, wantValid: true, minMSE: 0.5, maxMSE: 100, feedback: "mse"},
		{name: "the true formula", code: strings.Replace(initialProgram, initialBody, exact, 1), wantValid: true, maxMSE: 1e-3},
		{name: "does not compile", code: strings.Replace(initialProgram, "return a*x", "return c*x", 1), feedback: "does not compile"},
		{name: "prints too little", code: strings.Replace(initialProgram, "fmt.Println(f(x))", "_ = f(x)", 1), feedback: "printed 0 values"},
	}
	tk := start(t, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tk.Evaluate(context.Background(), sdk.Candidate{NodeID: 1, Language: "go", Code: tt.code}, 0, 1)
			if err != nil {
				t.Fatal(err)
			}
			if res.Valid != tt.wantValid || !strings.Contains(res.Feedback, tt.feedback) {
				t.Fatalf("valid %v feedback %q; want valid %v and %q", res.Valid, res.Feedback, tt.wantValid, tt.feedback)
			}
			if mse := res.Metrics["mse"]; tt.wantValid && (mse < tt.minMSE || mse > tt.maxMSE) {
				t.Errorf("mse = %g, want within [%g, %g]", mse, tt.minMSE, tt.maxMSE)
			}
		})
	}
}

// TestConfigureChecksPoints configures the task as asi does, through the
// config schema: a value of the wrong type is refused there, one out of
// range by Configure, each at the attribute.
func TestConfigureChecksPoints(t *testing.T) {
	tests := []struct {
		name    string
		points  any // nil: left out
		summary string
	}{
		{name: "default: all"},
		{name: "all", points: 0},
		{name: "some", points: 10},
		{name: "too many", points: 41, summary: "Value out of range"},
		{name: "fraction", points: 2.5, summary: "Incorrect attribute value type"},
		{name: "not a number", points: "many", summary: "Incorrect attribute value type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			settings := map[string]any{}
			if tt.points != nil {
				settings["points"] = tt.points
			}
			err := tasktest.Configure(context.Background(), tasktest.Serve(t, newTask()), sdk.ConfigureRequest{Settings: settings})
			var errs sdk.ConfigErrors
			if got := errors.As(err, &errs); got != (tt.summary != "") {
				t.Fatalf("configure error = %v, want a ConfigError: %v", err, tt.summary != "")
			}
			if tt.summary != "" && (errs[0].Path[0] != "points" || errs[0].Summary != tt.summary) {
				t.Errorf("error %v: %s, want points: %s", errs[0].Path, errs[0].Summary, tt.summary)
			}
		})
	}
}
