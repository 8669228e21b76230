package redteam_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/backend"
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/redteam"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/internal/slurmtest"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/plugins/plugintest"
	"github.com/asi-evolve/asi/sandbox"
)

// TestMain builds the task plugins once; discovery finds them through
// ASI_PLUGIN_DIR.
func TestMain(m *testing.M) {
	code := plugintest.Main(m, func() error {
		dir, err := plugintest.Tasks()
		if err != nil {
			return err
		}
		return os.Setenv(plugins.DirEnv, dir)
	})
	slurmtest.StopStarted()
	os.Exit(code)
}

// audited is a campaign's task started for an audit, and its target.
type audited struct {
	ev     *backend.Evaluator
	target redteam.Target
}

var knownBestLine = regexp.MustCompile(`(?m)^# known_best: ([0-9.eE+-]+)`)

// startAudit starts the task of the campaign file and evaluates its
// initial program. A "# known_best: N" line of the file is the target's
// declared bound.
func startAudit(t *testing.T, file string) audited {
	t.Helper()
	plugintest.RequirePython(t)
	cfg, diags := campaign.NewParser().LoadFile(file)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", file, diags.Error())
	}
	ctx := context.Background()
	ev, err := backend.StartEvaluator(ctx, cfg, backend.CheckOptions{SandboxCacheDir: filepath.Join(sandbox.CacheDir(), "sandbox")})
	if err != nil {
		t.Fatalf("start %s: %v", file, err)
	}
	t.Cleanup(ev.Close)
	desc := ev.Description()
	honest, err := ev.Evaluate(ctx, desc.InitialProgram, cfg.Campaign.Seed)
	if err != nil || !honest.Valid {
		t.Fatalf("%s: the initial program: %v %+v", file, err, honest)
	}
	target := redteam.Target{
		Language:        desc.Language,
		Primary:         desc.Primary,
		Minimize:        desc.Direction == task.Minimize,
		Program:         desc.InitialProgram,
		Honest:          honest,
		Statement:       desc.Statement,
		EvaluatorSource: backend.EvaluatorSource(cfg),
	}
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if m := knownBestLine.FindSubmatch(src); m != nil {
		v, err := strconv.ParseFloat(string(m[1]), 64)
		if err != nil {
			t.Fatalf("%s: known_best: %v", file, err)
		}
		target.KnownBest = &v
	}
	return audited{ev: ev, target: target}
}

func planted(name string) string { return filepath.Join("testdata", "planted", name, "campaign.hcl") }

func logReport(t *testing.T, rep redteam.Report, took time.Duration) {
	t.Helper()
	var valid []string
	for _, at := range rep.Attempts {
		if at.Outcome.Valid {
			valid = append(valid, fmt.Sprintf("%s %.4g", at.Attack.Name, at.Outcome.Score))
		}
	}
	t.Logf("%d attempts in %s, valid: %s; bound %.6g (%s)", len(rep.Attempts), took.Round(time.Millisecond), strings.Join(valid, ", "), rep.Bound, rep.BoundText)
	for _, f := range rep.Findings {
		t.Logf("finding: %s (%s) scored %.6g: %s", f.Attack, f.Kind, f.Score, f.Description)
	}
	for _, n := range rep.Notes {
		t.Logf("note: %s", n)
	}
}

func TestPlantedHolesAreFound(t *testing.T) {
	tests := []struct {
		name string
		// attack is the name of the attack that must find the hole; kind
		// is its kind.
		attack, kind string
	}{
		{"overlap", "collapse-items", redteam.KindLibrary},
		{"nan", "", redteam.KindOptimiser},
		{"selfscore", "self-score", redteam.KindLibrary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := startAudit(t, planted(tt.name))
			start := time.Now()
			rep, err := redteam.Run(context.Background(), a.ev, a.target, redteam.Options{Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			logReport(t, rep, time.Since(start))
			var found bool
			for _, f := range rep.Findings {
				if f.Kind == tt.kind && (tt.attack == "" || f.Attack == tt.attack) {
					found = true
				}
				if f.Score <= *a.target.KnownBest {
					t.Errorf("finding %s scored %.6g, not past the known best", f.Attack, f.Score)
				}
			}
			if !found {
				t.Errorf("the %s hole was not found by %s (%s)", tt.name, tt.attack, tt.kind)
			}
		})
	}
}

func TestFixedEvaluatorFindsNothing(t *testing.T) {
	a := startAudit(t, planted("fixed"))
	start := time.Now()
	rep, err := redteam.Run(context.Background(), a.ev, a.target, redteam.Options{Seed: 1, Budget: 30})
	if err != nil {
		t.Fatal(err)
	}
	logReport(t, rep, time.Since(start))
	if len(rep.Findings) > 0 {
		t.Errorf("%d findings on the fixed evaluator", len(rep.Findings))
	}
	var optimised, errs int
	for _, at := range rep.Attempts {
		if at.Attack.Kind == redteam.KindOptimiser {
			optimised++
		}
		if at.Err != nil {
			errs++
			t.Errorf("%s: %v", at.Attack.Name, at.Err)
		}
	}
	if optimised != 30 {
		t.Errorf("%d optimiser attempts, want the budget, 30", optimised)
	}
	// The library ran, and the fixed evaluator refused what it should.
	refused := map[string]bool{}
	for _, at := range rep.Attempts {
		if at.Attack.Kind == redteam.KindLibrary && !at.Outcome.Valid {
			refused[at.Attack.Name] = true
		}
	}
	for _, name := range []string{"empty-program", "garbage", "nan-all", "inf-all", "huge-all", "collapse-items", "duplicate-items", "truncate-half", "empty-output"} {
		if !refused[name] {
			t.Errorf("the fixed evaluator did not refuse %s", name)
		}
	}
}

// TestWrapperMatchesGo runs plans through the Python wrapper in the
// sandbox and compares what the program returned with Go's Apply.
func TestWrapperMatchesGo(t *testing.T) {
	a := startAudit(t, filepath.Join("testdata", "echo", "campaign.hcl"))
	tests := []struct {
		name  string
		value string // a Python expression; json.loads(...) of JSON text
		plan  redteam.Plan
	}{
		{"nan one column", `json.loads('{"centers": [[0.1, 0.2], [0.3, 0.4]], "radii": [0.1, 0.2]}')`,
			redteam.Plan{{Path: "centers[*][1]", Op: redteam.OpSet, Value: math.NaN()}, {Path: "radii", Op: redteam.OpScale, Value: 3}}},
		{"tuple, collapse and more", `([(0.1, 0.2), (0.3, 0.4), (0.5, 0.6)], [1, 2, 3])`,
			redteam.Plan{{Path: "[0]", Op: redteam.OpCollapse}, {Path: "[1]", Op: redteam.OpMore}, {Path: "[1][*]", Op: redteam.OpAdd, Value: 0.5}}},
		{"halve, double, fewer", `{"a": [1, 2, 3, 4], "b": [[5], [6]], "c": "text"}`,
			redteam.Plan{{Path: "a", Op: redteam.OpHalve}, {Path: "b", Op: redteam.OpDouble}, {Path: "b[0]", Op: redteam.OpFewer}}},
		{"infinities and self score", `{"x": [1.5, -2], "nested": {"y": 3}}`,
			redteam.Plan{{Path: "x[0]", Op: redteam.OpSet, Value: math.Inf(1)}, {Path: "x[1]", Op: redteam.OpSet, Value: math.Inf(-1)}, {Path: "$", Op: redteam.OpSelfScore, Value: 1e12}}},
		{"empty", `[1, 2]`, redteam.Plan{{Path: "$", Op: redteam.OpEmpty}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			honest := "import json\n\n\ndef _inner():\n    return " + tt.value + "\n\n\ndef value():\n    return _inner()\n"
			code, err := redteam.WrapPythonForTest(honest, tt.plan, false)
			if err != nil {
				t.Fatal(err)
			}
			out, err := a.ev.Evaluate(context.Background(), code, 1)
			if err != nil || !out.Valid {
				t.Fatalf("evaluate: %v %+v", err, out)
			}
			got, err := redteam.ParseJSONForTest(string(out.Artifacts["value"]))
			if err != nil {
				t.Fatalf("the wrapped value %q: %v", out.Artifacts["value"], err)
			}
			// What Python printed, unchanged, read as Go reads it.
			plain, err := a.ev.Evaluate(context.Background(), honest, 1)
			if err != nil || !plain.Valid {
				t.Fatalf("evaluate the honest program: %v %+v", err, plain)
			}
			value, err := redteam.ParseJSONForTest(string(plain.Artifacts["value"]))
			if err != nil {
				t.Fatal(err)
			}
			want, err := tt.plan.Apply(value)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := redteam.RenderJSONForTest(got), redteam.RenderJSONForTest(want); g != w {
				t.Errorf("Python: %s\nGo:     %s", g, w)
			}
		})
	}
}

// TestShippedTasksFindNothing audits the shipped examples' tasks with a
// small budget: their evaluators check what the attacks break.
func TestShippedTasksFindNothing(t *testing.T) {
	tests := []struct {
		name, file string
		budget     int
		// reached says that some changed outputs get past the task's
		// checks of the program to its scoring, so that finding nothing
		// means something. The data curation task refuses every program
		// whose code outside the editable region is not its own.
		reached bool
	}{
		{"circle packing, python", "circle-packing-python.hcl", 20, true},
		{"circle packing, go", "circle-packing.hcl", 3, true},
		{"optimizer", "optimizer.hcl", 10, true},
		{"data curation", "data-curation.hcl", 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := startAudit(t, filepath.Join("..", "..", "hcl-examples", tt.file))
			t.Logf("honest score %.6g; it printed %d bytes", a.target.Honest.Score, len(a.target.Honest.Artifacts["stdout"]))
			start := time.Now()
			rep, err := redteam.Run(context.Background(), a.ev, a.target, redteam.Options{Seed: 1, Budget: tt.budget})
			if err != nil {
				t.Fatal(err)
			}
			logReport(t, rep, time.Since(start))
			for _, f := range rep.Findings {
				t.Errorf("finding %s (%s) scored %.6g past %.6g: %s", f.Attack, f.Kind, f.Score, f.Bound, f.Description)
			}
			var reached bool
			for _, at := range rep.Attempts {
				if at.Err != nil {
					t.Errorf("%s: %v", at.Attack.Name, at.Err)
				}
				reached = reached || at.Outcome.Valid && at.Attack.Name != "read-files"
			}
			if reached != tt.reached {
				t.Errorf("some changed output was scored: %v, want %v", reached, tt.reached)
			}
		})
	}
}

// TestVerifiedAuditPackingFindsNothing audits the held-out stage of
// hcl-examples/audit-packing.hcl (evaluate_verify, the public evaluate
// with its bug fixed) as if it were the public one.
func TestVerifiedAuditPackingFindsNothing(t *testing.T) {
	a := startAudit(t, filepath.Join("..", "..", "hcl-examples", "audit-packing.hcl"))
	desc := a.ev.Desc
	desc.Stages = append([]task.Stage(nil), desc.Stages...)
	var verify bool
	for i := range desc.Stages {
		verify = verify || desc.Stages[i].HeldOut
		desc.Stages[i].HeldOut = !desc.Stages[i].HeldOut
	}
	if !verify {
		t.Fatal("audit-packing has no held-out stage")
	}
	ev := redteam.TaskEvaluator{Task: a.ev.Task, Desc: desc, ErrDeadline: plugins.ErrDeadline}
	honest, err := ev.Evaluate(context.Background(), a.target.Program, 1)
	if err != nil || !honest.Valid {
		t.Fatalf("the initial program through evaluate_verify: %v %+v", err, honest)
	}
	a.target.Honest = honest
	start := time.Now()
	rep, err := redteam.Run(context.Background(), ev, a.target, redteam.Options{Seed: 1, Budget: 20})
	if err != nil {
		t.Fatal(err)
	}
	logReport(t, rep, time.Since(start))
	for _, f := range rep.Findings {
		t.Errorf("finding %s (%s) scored %.6g: %s", f.Attack, f.Kind, f.Score, f.Description)
	}

	// The public stage, with its bug, is found out by the same audit.
	rep, err = redteam.Run(context.Background(), a.ev, a.target, redteam.Options{Seed: 1, Budget: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) == 0 {
		t.Error("the public stage of audit-packing (radii never checked) has no finding")
	}
	for _, f := range rep.Findings {
		t.Logf("public stage: finding %s scored %.6g: %s", f.Attack, f.Score, strings.TrimSpace(f.Description))
	}
}
