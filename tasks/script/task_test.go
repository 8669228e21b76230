package main

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/sdk"
)

// folder writes files into a temporary directory and makes it the
// working directory, as the campaign file's folder is for the plugin.
func folder(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
}

const marked = "# EVOLVE-BLOCK-START\nx = 1\n# EVOLVE-BLOCK-END\n"

func TestConfigureRefuses(t *testing.T) {
	files := map[string]string{"evaluator.py": "def evaluate(p): pass\n", "initial_program.py": marked, "eval.sh": "true\n",
		"pkg/a.py": marked, "pkg/b.py": marked}
	tests := []struct {
		name     string
		settings sdk.Settings
		path     string // the attribute the error names
		want     string
	}{
		{"unknown contract", sdk.Settings{"contract": "funsearch", "evaluator": "evaluator.py", "initial": "initial_program.py"}, "contract", "funsearch"},
		{"no evaluator", sdk.Settings{"contract": "openevolve", "initial": "initial_program.py"}, "evaluator", "evaluator.py"},
		{"evaluator missing", sdk.Settings{"contract": "openevolve", "evaluator": "nope.py", "initial": "initial_program.py"}, "evaluator", "no file nope.py"},
		{"initial missing", sdk.Settings{"contract": "openevolve", "evaluator": "evaluator.py", "initial": "nope.py"}, "initial", "nope.py"},
		{"json without command", sdk.Settings{"contract": "json", "initial": "initial_program.py"}, "command", "{program}"},
		{"wasm cannot run a shell", sdk.Settings{"contract": "asi-evolve", "evaluator": "eval.sh", "initial": "initial_program.py", "isolation": "wasm"}, "isolation", "jail"},
		{"unknown isolation", sdk.Settings{"contract": "openevolve", "evaluator": "evaluator.py", "initial": "initial_program.py", "isolation": "docker"}, "isolation", "docker"},
		{"folder without entry", sdk.Settings{"contract": "openevolve", "evaluator": "evaluator.py", "initial": "pkg"}, "entry", "a.py, b.py"},
		{"thresholds without stages", sdk.Settings{"contract": "openevolve", "evaluator": "evaluator.py", "initial": "initial_program.py", "thresholds": []any{0.5}}, "thresholds", "evaluate_stage1"},
		{"bad timeout", sdk.Settings{"contract": "openevolve", "evaluator": "evaluator.py", "initial": "initial_program.py", "timeout": "soon"}, "timeout", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			folder(t, files)
			_, err := configure(withDefaults(tt.settings))
			var ce *sdk.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("configure = %v, want a *sdk.ConfigError", err)
			}
			if ce.Path[0] != tt.path || !strings.Contains(ce.Error(), tt.want) {
				t.Fatalf("error at %v: %v; want it at %s, saying %q", ce.Path, ce, tt.path, tt.want)
			}
		})
	}
}

func TestConfigureCascadeAndFolder(t *testing.T) {
	folder(t, map[string]string{
		"evaluator.py":   "def evaluate_stage1(p): pass\ndef evaluate_stage2(p): pass\ndef evaluate(p): pass\n",
		"data/table.csv": "1,2\n",
		"pkg/main.py":    "import helper\n" + marked,
		"pkg/helper.py":  marked,
		".git/config":    "secret\n",
	})
	c, err := configure(withDefaults(sdk.Settings{"contract": "openevolve", "evaluator": "evaluator.py", "initial": "pkg", "thresholds": []any{0.3, 0.9}}))
	if err != nil {
		t.Fatal(err)
	}
	half := 0.3
	if diff := cmp.Diff([]sdk.Stage{{Name: "evaluate_stage1", Threshold: &half}, {Name: "evaluate_stage2"}}, c.stages); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	if !c.multi || c.entry != "main.py" || !strings.HasPrefix(c.initial, "=== file: main.py ===\n") {
		t.Errorf("a folder program: multi %v, entry %q, initial:\n%s", c.multi, c.entry, c.initial)
	}
	spec, err := c.job(c.initial, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"evaluator.py", "data/table.csv", "pkg/main.py", "pkg/helper.py", runnerPath} {
		if _, ok := spec.files[name]; !ok {
			t.Errorf("the job lacks %s", name)
		}
	}
	if _, ok := spec.files[".git/config"]; ok {
		t.Error("the job holds a hidden folder's file")
	}
	if got := strings.Join(spec.command[1:], " "); !strings.Contains(got, "--program pkg/main.py --stage 1") {
		t.Errorf("command %q", got)
	}
	// A candidate that lost or renamed a file is the candidate's fault.
	if _, err := c.job("=== file: main.py ===\nx = 2\n", 0); err == nil || !strings.Contains(err.Error(), "1 files") {
		t.Errorf("a candidate with a file missing: %v", err)
	}
	if _, err := c.job("x = 2\n", 0); err == nil {
		t.Error("a candidate with no file headers was laid out")
	}
}

func TestResultsParse(t *testing.T) {
	tests := []struct {
		name  string
		read  func([]byte) (sdk.Result, error)
		raw   string
		valid bool
		want  map[string]float64
	}{
		{"runner", fromRunner, `{"metrics": {"combined_score": 0.5, "nan": NaN, "inf": -Infinity}, "valid": true, "feedback": "ok \"NaN\"", "artifacts": {}}`, true,
			map[string]float64{"combined_score": 0.5, "nan": math.NaN(), "inf": math.Inf(-1)}},
		{"results.json", fromResultsJSON, `{"eval_score": 2, "success": false, "error": "boom", "note": "x"}`, false, map[string]float64{"eval_score": 2}},
		{"stdout, last line", fromStdout, "progress...\n{\"score\": 1.5, \"valid\": true}\n", true, map[string]float64{"score": 1.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.read([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if res.Valid != tt.valid {
				t.Errorf("valid = %v", res.Valid)
			}
			if diff := cmp.Diff(tt.want, res.Metrics, cmp.Comparer(func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) })); diff != "" {
				t.Errorf("metrics (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := fromStdout([]byte("no json here")); err == nil {
		t.Error("output with no JSON object was read")
	}
}

func TestScoredFallsBackToTheMean(t *testing.T) {
	c := &config{primary: "combined_score"}
	res := c.scored(sdk.Result{Valid: true, Metrics: map[string]float64{"a": 1, "b": 3}})
	if res.Metrics["combined_score"] != 2 {
		t.Errorf("combined_score = %v, want the mean 2", res.Metrics["combined_score"])
	}
	c.primary = "speed"
	if res := c.scored(sdk.Result{Valid: true, Metrics: map[string]float64{"a": 1}}); res.Valid || !strings.Contains(res.Feedback, `no "speed"`) {
		t.Errorf("a missing primary metric: %+v", res)
	}
}

func TestEvaluateWithoutExecutor(t *testing.T) {
	folder(t, map[string]string{"evaluator.py": "def evaluate(p): pass\n", "initial_program.py": marked})
	tk := &Task{}
	if err := tk.Configure(context.Background(), sdk.ConfigureRequest{Settings: withDefaults(sdk.Settings{"contract": "openevolve", "evaluator": "evaluator.py", "initial": "initial_program.py"})}); err != nil {
		t.Fatal(err)
	}
	_, err := tk.Evaluate(context.Background(), sdk.Candidate{Code: marked}, 0, 1)
	if err == nil || !strings.Contains(err.Error(), `executor "local"`) {
		t.Fatalf("Evaluate = %v, want an error saying to add an executor", err)
	}
}

func TestConfigureVerify(t *testing.T) {
	files := map[string]string{
		"evaluator.py":       "def evaluate(p): pass\ndef evaluate_verify(p): pass\n",
		"initial_program.py": marked,
	}
	t.Run("openevolve function", func(t *testing.T) {
		folder(t, files)
		c, err := configure(withDefaults(sdk.Settings{"contract": "openevolve", "evaluator": "evaluator.py", "initial": "initial_program.py", "verify": "evaluate_verify"}))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]sdk.Stage{{Name: "evaluate"}, {Name: "verify", HeldOut: true}}, c.stages); diff != "" {
			t.Errorf("stages (-want +got):\n%s", diff)
		}
		public, _ := c.job(marked, 0)
		held, _ := c.job(marked, 1)
		if strings.Contains(strings.Join(public.command, " "), "--function") {
			t.Errorf("the public stage calls the verify function: %q", public.command)
		}
		if got := strings.Join(held.command, " "); !strings.Contains(got, "--stage 1") || !strings.Contains(got, "--function evaluate_verify") {
			t.Errorf("held-out command %q; want it to call evaluate_verify", got)
		}
		if strings.Contains(c.describe(), "cascade") {
			t.Errorf("the statement tells the researcher of the held-out stage: %q", c.describe())
		}
	})
	t.Run("json command", func(t *testing.T) {
		folder(t, files)
		c, err := configure(withDefaults(sdk.Settings{"contract": "json", "command": []any{"python3", "score.py"}, "initial": "initial_program.py",
			"verify_command": []any{"python3", "verify.py", "{program}"}}))
		if err != nil {
			t.Fatal(err)
		}
		if len(c.stages) != 2 || !c.stages[1].HeldOut {
			t.Fatalf("stages %+v; want a held-out stage last", c.stages)
		}
		public, _ := c.job(marked, 0)
		held, _ := c.job(marked, 1)
		if got := strings.Join(public.command, " "); !strings.Contains(got, "score.py initial_program.py") {
			t.Errorf("public command %q", got)
		}
		if got := strings.Join(held.command, " "); !strings.Contains(got, "verify.py initial_program.py") || strings.Contains(got, "score.py") {
			t.Errorf("held-out command %q; want verify.py on the program", got)
		}
	})
	refused := []struct {
		name     string
		settings sdk.Settings
		path     string
		want     string
	}{
		{"function missing", sdk.Settings{"contract": "openevolve", "evaluator": "evaluator.py", "initial": "initial_program.py", "verify": "check"}, "verify", "no function check"},
		{"not a name", sdk.Settings{"contract": "openevolve", "evaluator": "evaluator.py", "initial": "initial_program.py", "verify": "os.system('x')"}, "verify", "not a Python function name"},
		{"verify on json", sdk.Settings{"contract": "json", "command": []any{"true"}, "initial": "initial_program.py", "verify": "evaluate_verify"}, "verify", "verify_command"},
		{"verify_command on openevolve", sdk.Settings{"contract": "openevolve", "evaluator": "evaluator.py", "initial": "initial_program.py", "verify_command": []any{"true"}}, "verify_command", "openevolve"},
		{"empty verify_command", sdk.Settings{"contract": "json", "command": []any{"true"}, "initial": "initial_program.py", "verify_command": []any{}}, "verify_command", "Empty"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			folder(t, files)
			_, err := configure(withDefaults(tt.settings))
			var ce *sdk.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("configure = %v, want a *sdk.ConfigError", err)
			}
			if ce.Path[0] != tt.path || !strings.Contains(ce.Error(), tt.want) {
				t.Fatalf("error at %v: %v; want it at %s, saying %q", ce.Path, ce, tt.path, tt.want)
			}
		})
	}
}
