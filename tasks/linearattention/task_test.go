package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/plugins/executor"
	"github.com/asi-evolve/asi/sdk"
	"github.com/asi-evolve/asi/sdk/tasktest"
)

const python = "/usr/bin/python3"

// requireTorch skips the test when the python jobs run has no PyTorch.
func requireTorch(t *testing.T) {
	t.Helper()
	if err := exec.Command(python, "-c", "import torch").Run(); err != nil {
		t.Skipf("%s cannot import torch (%v): run scripts/ci/install-torch.sh", python, err)
	}
}

// defaults returns the task block's defaults, overridden by over.
func defaults(over map[string]any) map[string]any {
	s := map[string]any{}
	for _, st := range settings {
		s[st.Name] = st.Default
	}
	for k, v := range over {
		s[k] = v
	}
	return s
}

// localExecutor is a real local executor whose work directory the
// unprivileged job user can reach when the test runs as root.
func localExecutor(t *testing.T) sdk.Executor {
	t.Helper()
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	l, err := executor.NewLocal(executor.LocalConfig{Dir: filepath.Join(dir, "jobs"), Slots: 1, Timeout: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func serve(t *testing.T, over map[string]any) sdk.Task {
	t.Helper()
	return tasktest.Start(t, &Task{}, sdk.ConfigureRequest{Settings: defaults(over), Host: sdk.Host{Executor: localExecutor(t)}})
}

func mixer(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join("baselines", name+".py")
	if _, err := os.Stat(path); err != nil {
		path = filepath.Join("testdata", "mixers", name+".py")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestConfigureRejects(t *testing.T) {
	tests := []struct {
		name string
		over map[string]any
		path string
	}{
		{name: "zero layers", over: map[string]any{"layers": 0.0}, path: "layers"},
		{name: "fractional width", over: map[string]any{"d_model": 64.5}, path: "d_model"},
		{name: "bad timeout", over: map[string]any{"timeout": "soon"}, path: "timeout"},
		{name: "too many pairs", over: map[string]any{"pairs": 20.0}, path: "pairs"},
		{name: "no python", over: map[string]any{"python": ""}, path: "python"},
		{name: "negative lr", over: map[string]any{"lr": -1.0}, path: "lr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig(defaults(tt.over))
			var ce *sdk.ConfigError
			if !errors.As(err, &ce) || ce.Path[0] != tt.path {
				t.Errorf("parseConfig = %v, want a problem with %q", err, tt.path)
			}
		})
	}
	if _, err := parseConfig(defaults(nil)); err != nil {
		t.Errorf("defaults rejected: %v", err)
	}
}

func TestRelativeScore(t *testing.T) {
	ref := map[string]float64{"mqar_acc": 0.5, "val_loss": 2}
	tests := []struct {
		name string
		m    map[string]float64
		want float64
	}{
		{name: "matches", m: ref, want: 0},
		{name: "better recall", m: map[string]float64{"mqar_acc": 0.6, "val_loss": 2}, want: 0.1},
		{name: "worse loss", m: map[string]float64{"mqar_acc": 0.5, "val_loss": 2.2}, want: -0.1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := relativeScore(tt.m, ref); got < tt.want-1e-9 || got > tt.want+1e-9 {
				t.Errorf("relativeScore = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	d, err := (&Task{}).Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Stages) != 3 || d.Primary != MetricScore || d.Direction != sdk.Maximize {
		t.Errorf("stages %v, primary %q %q", d.Stages, d.Primary, d.Direction)
	}
	if !strings.Contains(d.InitialProgram, sdk.EvolveStart) || !strings.Contains(d.InitialProgram, "class Mixer") {
		t.Error("initial program lacks the EVOLVE block or the Mixer")
	}
}

// The check stage, run through the real local executor: it accepts the
// linear-cost baselines and names the rule each bad mixer breaks.
func TestCheckStage(t *testing.T) {
	requireTorch(t)
	task := serve(t, nil)
	tests := []struct {
		name  string
		valid bool
		want  string
	}{
		{name: "linear", valid: true, want: "check passed"},
		{name: "deltanet", valid: true, want: "work grows as T^0.9"},
		{name: "gated_deltanet", valid: true, want: "check passed"},
		{name: "peek", want: "not causal"},
		{name: "softmax", want: "grows too fast"},
		{name: "escape", want: "import os is not allowed"},
		{name: "wide", want: "parameters at d_model=64; the budget is 32768"},
		{name: "shape", want: "want (2, 64, 64)"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := task.Evaluate(context.Background(), sdk.Candidate{NodeID: int64(i), Code: mixer(t, tt.name)}, stageCheck, 1)
			if err != nil {
				t.Fatal(err)
			}
			if res.Valid != tt.valid || !strings.Contains(res.Feedback, tt.want) {
				t.Errorf("valid %v, feedback %q; want valid %v and %q", res.Valid, res.Feedback, tt.valid, tt.want)
			}
		})
	}
}

// The known result the metric must reproduce: DeltaNet recalls far better
// than plain linear attention at the explore stage. All four baselines are
// trained and scored (the README's table); each takes about a minute here.
func TestBaselinesExplore(t *testing.T) {
	requireTorch(t)
	if testing.Short() {
		t.Skip("trains four models for about a minute each")
	}
	cfg, err := parseConfig(defaults(nil))
	if err != nil {
		t.Fatal(err)
	}
	r := runner{cfg: cfg, exec: localExecutor(t)}
	names := []string{"linear", "deltanet", "gated_deltanet", "softmax"}
	got := map[string]map[string]float64{}
	for _, name := range names {
		start := time.Now()
		res, m, err := r.trainEval(context.Background(), "test/"+name, mixer(t, name), "", cfg.explore, cfg.timeout, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Valid {
			t.Fatalf("%s: %s", name, res.Feedback)
		}
		got[name] = m
		t.Logf("%-15s mqar_acc %.3f val_loss %.4f params %.0f train %.1fs eval %.1fs (wall %.1fs)",
			name, m["mqar_acc"], m["val_loss"], m["params"], m["train_seconds"], m["eval_seconds"], time.Since(start).Seconds())
	}
	for name, m := range got {
		t.Logf("%-15s score vs DeltaNet %+.4f", name, relativeScore(m, got["deltanet"]))
	}
	if lin, delta := got["linear"]["mqar_acc"], got["deltanet"]["mqar_acc"]; delta < lin+0.2 {
		t.Errorf("MQAR accuracy: DeltaNet %.3f, linear attention %.3f; want DeltaNet ahead by 0.2 or more", delta, lin)
	}
}

// A candidate that fails at the explore stage gets a failed result naming
// what went wrong, never an error that would stop the campaign.
func TestExploreFailures(t *testing.T) {
	requireTorch(t)
	cfg, err := parseConfig(defaults(map[string]any{"timeout": "15s"}))
	if err != nil {
		t.Fatal(err)
	}
	r := runner{cfg: cfg, exec: localExecutor(t)}
	tests := []struct {
		name string
		want []string
	}{
		{name: "diverge", want: []string{"training failed", "training diverged at step 0"}},
		{name: "stall", want: []string{"training failed", "the train job timed_out"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, err := r.trainEval(context.Background(), "test/"+tt.name, mixer(t, tt.name), "", cfg.explore, cfg.timeout, 0)
			if err != nil {
				t.Fatalf("trainEval returned an error instead of a failed result: %v", err)
			}
			if res.Valid {
				t.Fatalf("%s: valid, want a failure", tt.name)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.Feedback, w) {
					t.Errorf("feedback %q does not say %q", res.Feedback, w)
				}
			}
		})
	}
}
