package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/internal/testenv"
	"github.com/asi-evolve/asi/plugins/executor"
	"github.com/asi-evolve/asi/sdk"
	"github.com/asi-evolve/asi/sdk/tasktest"
)

const python = "/usr/bin/python3"

// requireTorch skips the test when the python jobs run has no PyTorch.
func requireTorch(t *testing.T) {
	t.Helper()
	if err := exec.Command(python, "-c", "import torch").Run(); err != nil {
		testenv.Skipf(t, "%s cannot import torch (%v): run scripts/ci/install-torch.sh", python, err)
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
// trained and scored; each takes about a minute here. The README's table
// lists them best first, and the scores must come out in that order.
func TestBaselinesExplore(t *testing.T) {
	requireTorch(t)
	if testing.Short() {
		t.Skip("trains four models for about a minute each")
	}
	rows := readmeBaselines(t)
	cfg, err := parseConfig(defaults(nil))
	if err != nil {
		t.Fatal(err)
	}
	r := runner{cfg: cfg, exec: localExecutor(t)}
	got := map[string]map[string]float64{}
	for _, row := range rows {
		start := time.Now()
		res, m, err := r.trainEval(context.Background(), "test/"+row.name, mixer(t, row.name), "", cfg.explore, cfg.timeout, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Valid {
			t.Fatalf("%s: %s", row.name, res.Feedback)
		}
		got[row.name] = m
		t.Logf("%-15s mqar_acc %.3f val_loss %.4f params %.0f train %.1fs eval %.1fs (wall %.1fs)",
			row.name, m["mqar_acc"], m["val_loss"], m["params"], m["train_seconds"], m["eval_seconds"], time.Since(start).Seconds())
	}
	t.Log("the README's rows, as measured here (mixer | MQAR accuracy | text loss | score):")
	for _, row := range rows {
		m := got[row.name]
		t.Logf("| %s | %.3f | %.3f | %.3f |", row.name, m["mqar_acc"], m["val_loss"], relativeScore(m, got["deltanet"]))
	}
	if err := checkBaselineOrder(rows, got); err != nil {
		t.Error(err)
	}
	if lin, delta := got["linear"]["mqar_acc"], got["deltanet"]["mqar_acc"]; delta < lin+0.2 {
		t.Errorf("MQAR accuracy: DeltaNet %.3f, linear attention %.3f; want DeltaNet ahead by 0.2 or more", delta, lin)
	}
}

// baselineTie is how close two baselines' scores may be for their order
// to change from one machine to another (thread counts move MQAR accuracy
// by about 0.02): the README says so beside its table.
const baselineTie = 0.1

// checkBaselineOrder checks that the measured scores (against DeltaNet)
// come out in the order of the README's rows, best first, where the README
// puts more than baselineTie between them.
func checkBaselineOrder(rows []baselineRow, got map[string]map[string]float64) error {
	for i, a := range rows {
		for _, b := range rows[i+1:] {
			if a.score-b.score <= baselineTie {
				continue
			}
			sa, sb := relativeScore(got[a.name], got["deltanet"]), relativeScore(got[b.name], got["deltanet"])
			if sa <= sb {
				return fmt.Errorf("README ranks %s (%.3f) above %s (%.3f); measured %.3f and %.3f", a.name, a.score, b.name, b.score, sa, sb)
			}
		}
	}
	return nil
}

// baselineRow is a row of the README's table of baselines.
type baselineRow struct {
	name             string // file in baselines/, without .py
	acc, loss, score float64
}

var baselineLine = regexp.MustCompile("^\\| [^|]*`baselines/([a-z_]+)\\.py`[^|]*\\| ([0-9.]+) \\| ([0-9.]+) \\| (-?[0-9.]+) \\|")

// readmeBaselines reads the README's table of baselines, in its order.
func readmeBaselines(t *testing.T) []baselineRow {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []baselineRow
	for _, line := range strings.Split(string(b), "\n") {
		m := baselineLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		row := baselineRow{name: m[1]}
		for i, p := range []*float64{&row.acc, &row.loss, &row.score} {
			if *p, err = strconv.ParseFloat(m[i+2], 64); err != nil {
				t.Fatalf("README.md: %q: %v", line, err)
			}
		}
		rows = append(rows, row)
	}
	var names []string
	for _, r := range rows {
		names = append(names, r.name)
	}
	if want := []string{"deltanet", "gated_deltanet", "linear", "softmax"}; !slices.Equal(slices.Sorted(slices.Values(names)), want) {
		t.Fatalf("README.md's table of baselines has rows %v, want one for each of %v", names, want)
	}
	return rows
}

// The README's table of baselines is consistent: each score is the
// metric's formula applied to the row's accuracy and loss against
// DeltaNet's (to the table's rounding), and the rows are best first.
func TestReadmeBaselineTable(t *testing.T) {
	rows := readmeBaselines(t)
	ref := map[string]float64{}
	for _, r := range rows {
		if r.name == "deltanet" {
			ref = map[string]float64{"mqar_acc": r.acc, "val_loss": r.loss}
		}
	}
	for i, r := range rows {
		if want := relativeScore(map[string]float64{"mqar_acc": r.acc, "val_loss": r.loss}, ref); math.Abs(r.score-want) > 0.005 {
			t.Errorf("%s: score %.3f, its accuracy and loss give %.3f", r.name, r.score, want)
		}
		if i > 0 && r.score > rows[i-1].score {
			t.Errorf("%s (%.3f) is listed below %s (%.3f): the table is best first", r.name, r.score, rows[i-1].name, rows[i-1].score)
		}
	}
}

// checkBaselineOrder accepts the README's own numbers and a swap of rows
// closer than baselineTie, and refuses measurements out of the README's
// order.
func TestCheckBaselineOrder(t *testing.T) {
	rows := readmeBaselines(t)
	readme := map[string]map[string]float64{}
	for _, r := range rows {
		readme[r.name] = map[string]float64{"mqar_acc": r.acc, "val_loss": r.loss}
	}
	with := func(name string, acc, loss float64) map[string]map[string]float64 {
		got := maps.Clone(readme)
		got[name] = map[string]float64{"mqar_acc": acc, "val_loss": loss}
		return got
	}
	tests := []struct {
		name string
		got  map[string]map[string]float64
		ok   bool
	}{
		{"the README's numbers", readme, true},
		{"softmax a little ahead of Gated DeltaNet", with("softmax", readme["gated_deltanet"]["mqar_acc"]+0.02, readme["gated_deltanet"]["val_loss"]), true},
		{"linear attention ahead of Gated DeltaNet", with("linear", readme["gated_deltanet"]["mqar_acc"]+0.05, readme["gated_deltanet"]["val_loss"]), false},
		{"Gated DeltaNet ahead of DeltaNet", with("gated_deltanet", readme["deltanet"]["mqar_acc"]+0.05, readme["deltanet"]["val_loss"]), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := checkBaselineOrder(rows, tt.got); (err == nil) != tt.ok {
				t.Errorf("checkBaselineOrder = %v, want ok %v", err, tt.ok)
			}
		})
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
