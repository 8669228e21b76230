package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// result mirrors the JSON the runner prints.
type result struct {
	Metrics   map[string]float64 `json:"metrics"`
	Valid     bool               `json:"valid"`
	Feedback  string             `json:"feedback"`
	Artifacts map[string]string  `json:"artifacts"`
	Error     string             `json:"error"`
}

// python finds the machine's CPython; a missing one skips, except in CI.
func python(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	path, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 not found; CI must have it")
		}
		t.Skip("python3 not found; the runner tests need it")
	}
	return path
}

// job lays out a job directory: the runner under .asi/ and a copy of
// testdata/<fixture>.
func job(t *testing.T, fixture string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string][]byte{}
	if err := Write(files, ".asi/"); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join("testdata", fixture)
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// run runs the runner in dir and returns the raw JSON of the ASI-RESULT
// line, after checking it is stdout's last line and equals the --out file.
func run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(python(t), append([]string{".asi/asi_run.py", "--out", "result.json"}, args...)...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("runner: %v\nstderr:\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n")
	last := lines[len(lines)-1]
	raw, ok := strings.CutPrefix(last, "ASI-RESULT ")
	if !ok {
		t.Fatalf("last stdout line %q lacks the ASI-RESULT prefix\nstdout:\n%s", last, stdout.String())
	}
	if len(lines) != 1 {
		t.Errorf("stdout has %d lines, want only the result:\n%s", len(lines), stdout.String())
	}
	out, err := os.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil {
		t.Fatalf("--out file: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != raw {
		t.Errorf("--out file differs from stdout:\nfile:   %s\nstdout: %s", got, raw)
	}
	return raw
}

func decode(t *testing.T, raw string) result {
	t.Helper()
	var r result
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return r
}

func TestRunner(t *testing.T) {
	python(t)
	tests := []struct {
		name    string
		fixture string
		args    []string
		setup   func(t *testing.T, dir string)
		want    result // compared in full unless check is set
		check   func(t *testing.T, raw string)
	}{
		{
			name:    "openevolve dict",
			fixture: "oe_dict",
			args:    []string{"--contract", "openevolve", "--evaluator", "evaluator.py", "--program", "initial_program.py"},
			want: result{
				Metrics:   map[string]float64{"combined_score": 6, "length": 3},
				Valid:     true,
				Artifacts: map[string]string{"sorted": "False", "note": "three items"},
			},
		},
		{
			name:    "openevolve EvaluationResult with artifacts",
			fixture: "oe_result",
			args:    []string{"--contract", "openevolve", "--evaluator", "evaluator.py", "--program", "initial_program.py"},
			want: result{
				Metrics:   map[string]float64{"combined_score": 0.5, "lines": 2},
				Valid:     true,
				Artifacts: map[string]string{"stderr": "warning: slow", "raw": "café \uFFFD"},
			},
		},
		{
			name:    "openevolve cascade stage 0",
			fixture: "oe_cascade",
			args:    []string{"--contract", "openevolve", "--evaluator", "evaluator.py", "--program", "initial_program.py", "--stage", "0"},
			want: result{
				Metrics:   map[string]float64{"stage1_passed": 1, "combined_score": 0.1},
				Valid:     true,
				Artifacts: map[string]string{},
			},
		},
		{
			name:    "openevolve cascade stage 1",
			fixture: "oe_cascade",
			args:    []string{"--contract", "openevolve", "--evaluator", "evaluator.py", "--program", "initial_program.py", "--stage", "1"},
			want: result{
				Metrics:   map[string]float64{"stage2_passed": 1, "combined_score": 0.2},
				Valid:     true,
				Artifacts: map[string]string{},
			},
		},
		{
			name:    "openevolve cascade stage without function falls back to evaluate",
			fixture: "oe_cascade",
			args:    []string{"--contract", "openevolve", "--evaluator", "evaluator.py", "--program", "initial_program.py", "--stage", "2"},
			want: result{
				Metrics:   map[string]float64{"combined_score": 0.9},
				Valid:     true,
				Artifacts: map[string]string{},
			},
		},
		{
			name:    "openevolve held-out function",
			fixture: "oe_cascade",
			args:    []string{"--contract", "openevolve", "--evaluator", "evaluator.py", "--program", "initial_program.py", "--stage", "2", "--function", "evaluate_verify"},
			want: result{
				Metrics:   map[string]float64{"verified": 1, "combined_score": 0.05},
				Valid:     true,
				Artifacts: map[string]string{},
			},
		},
		{
			name:    "openevolve held-out function missing: no fallback to evaluate",
			fixture: "oe_cascade",
			args:    []string{"--contract", "openevolve", "--evaluator", "evaluator.py", "--program", "initial_program.py", "--function", "evaluate_secret"},
			want: result{
				Metrics:   map[string]float64{},
				Valid:     false,
				Feedback:  "the evaluator defines no function evaluate_secret",
				Artifacts: map[string]string{},
			},
		},
		{
			name:    "openevolve evaluator raises",
			fixture: "oe_raise",
			args:    []string{"--contract", "openevolve", "--evaluator", "evaluator.py", "--program", "initial_program.py"},
			check: func(t *testing.T, raw string) {
				r := decode(t, raw)
				if r.Valid {
					t.Error("valid, want invalid")
				}
				if r.Feedback != "ZeroDivisionError: division by zero" {
					t.Errorf("feedback %q, want the traceback's last line", r.Feedback)
				}
				for _, s := range []string{"Traceback", "in helper", "return 1 / n"} {
					if !strings.Contains(r.Error, s) {
						t.Errorf("error lacks %q:\n%s", s, r.Error)
					}
				}
			},
		},
		{
			name:    "openevolve error key",
			fixture: "oe_error",
			args:    []string{"--contract", "openevolve", "--evaluator", "evaluator.py", "--program", "initial_program.py"},
			want: result{
				Metrics:   map[string]float64{"combined_score": 0},
				Feedback:  "solve() returned 2 items, want 3",
				Artifacts: map[string]string{},
			},
		},
		{
			name:    "evaluator prints to stdout",
			fixture: "oe_print",
			args:    []string{"--contract", "openevolve", "--evaluator", "evaluator.py", "--program", "initial_program.py"},
			want: result{
				Metrics:   map[string]float64{"combined_score": 2},
				Valid:     true,
				Artifacts: map[string]string{},
			},
		},
		{
			name:    "non-finite metrics pass through",
			fixture: "oe_nan",
			args:    []string{"--contract", "openevolve", "--evaluator", "evaluator.py", "--program", "initial_program.py"},
			check: func(t *testing.T, raw string) {
				for _, s := range []string{`"combined_score": NaN`, `"speed": Infinity`, `"valid": true`} {
					if !strings.Contains(raw, s) {
						t.Errorf("result lacks %s: %s", s, raw)
					}
				}
			},
		},
		{
			name:    "artifact capped at 64 KiB, head kept",
			fixture: "oe_caps",
			args:    []string{"--contract", "openevolve", "--evaluator", "evaluator.py", "--program", "initial_program.py", "--stage", "0"},
			check: func(t *testing.T, raw string) {
				log := decode(t, raw).Artifacts["log"]
				if len(log) > 64<<10 || !strings.HasPrefix(log, "STARTxxx") {
					t.Errorf("artifact of %d bytes starting %.10q, want at most 64 KiB keeping the head", len(log), log)
				}
			},
		},
		{
			name:    "error and feedback capped at 16 KiB, tail kept",
			fixture: "oe_caps",
			args:    []string{"--contract", "openevolve", "--evaluator", "evaluator.py", "--program", "initial_program.py", "--stage", "1"},
			check: func(t *testing.T, raw string) {
				r := decode(t, raw)
				for name, text := range map[string]string{"error": r.Error, "feedback": r.Feedback} {
					if len(text) > 16<<10 || !strings.HasSuffix(text, "yyyEND") {
						t.Errorf("%s of %d bytes, want at most 16 KiB ending with the exception", name, len(text))
					}
				}
			},
		},
		{
			name:    "shinka valid",
			fixture: "shinka_ok",
			args:    []string{"--contract", "shinka", "--evaluator", "evaluate.py", "--program", "initial.py"},
			check:   checkShinkaOK,
		},
		{
			name:    "shinka results dir unwritable uses the in-memory record",
			fixture: "shinka_ok",
			args:    []string{"--contract", "shinka", "--evaluator", "evaluate.py", "--program", "initial.py"},
			setup: func(t *testing.T, dir string) {
				// A file where the directory should be: nothing can be written.
				if err := os.WriteFile(filepath.Join(dir, ".asi_results"), nil, 0o444); err != nil {
					t.Fatal(err)
				}
			},
			check: checkShinkaOK,
		},
		{
			name:    "shinka invalid run",
			fixture: "shinka_invalid",
			args:    []string{"--contract", "shinka", "--evaluator", "evaluate.py", "--program", "initial.py"},
			check: func(t *testing.T, raw string) {
				r := decode(t, raw)
				if r.Valid {
					t.Error("valid, want invalid")
				}
				if !strings.Contains(r.Feedback, "want two numbers") {
					t.Errorf("feedback %q lacks the validation error", r.Feedback)
				}
				want := map[string]float64{"combined_score": 0, "num_valid_runs": 2, "num_invalid_runs": 1}
				for k, v := range want {
					if got, ok := r.Metrics[k]; !ok || got != v {
						t.Errorf("metric %s = %v (present %v), want %v", k, got, ok, v)
					}
				}
			},
		},
		{
			name:    "shinka program of two modules",
			fixture: "shinka_modules",
			args:    []string{"--contract", "shinka", "--evaluator", "evaluate.py", "--program", "program/main.py"},
			check: func(t *testing.T, raw string) {
				r := decode(t, raw)
				if !r.Valid || r.Metrics["combined_score"] != 49 {
					t.Errorf("got valid %v combined_score %v, want true 49; feedback %q", r.Valid, r.Metrics["combined_score"], r.Feedback)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := job(t, tt.fixture)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			raw := run(t, dir, tt.args...)
			if tt.check != nil {
				tt.check(t, raw)
				return
			}
			if diff := cmp.Diff(tt.want, decode(t, raw)); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func checkShinkaOK(t *testing.T, raw string) {
	t.Helper()
	r := decode(t, raw)
	if !r.Valid {
		t.Errorf("invalid, want valid; feedback %q error %q", r.Feedback, r.Error)
	}
	// seeds 0,1,2 give pairs summing to 1, 3 and 5.
	want := map[string]float64{"combined_score": 9, "runs_seen": 3, "num_valid_runs": 3, "num_invalid_runs": 0, "execution_time_std": r.Metrics["execution_time_std"]}
	for k, v := range want {
		if got, ok := r.Metrics[k]; !ok || got != v {
			t.Errorf("metric %s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if _, ok := r.Metrics["execution_time_mean"]; !ok {
		t.Error("no execution_time_mean")
	}
	if r.Feedback != "all runs returned pairs" {
		t.Errorf("feedback %q, want the text_feedback", r.Feedback)
	}
	if got := r.Artifacts["private_metrics"]; got != `{"hidden_total": 90}` {
		t.Errorf("private_metrics artifact %q", got)
	}
	if _, ok := r.Metrics["hidden_total"]; ok || strings.Contains(r.Feedback, "hidden_total") {
		t.Error("a private metric leaked into metrics or feedback")
	}
}

func TestRunnerBadArgs(t *testing.T) {
	py := python(t)
	dir := job(t, "oe_dict")
	cmd := exec.Command(py, ".asi/asi_run.py", "--contract", "nope", "--evaluator", "evaluator.py", "--program", "initial_program.py", "--out", "r.json")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("err %v, want a nonzero exit; output:\n%s", err, out)
	}
	if bytes.Contains(out, []byte("ASI-RESULT")) {
		t.Errorf("a result for bad arguments:\n%s", out)
	}
}

func TestWrite(t *testing.T) {
	files := map[string][]byte{}
	if err := Write(files, ".asi/"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		".asi/asi_run.py",
		".asi/asi_lib/openevolve/__init__.py",
		".asi/asi_lib/openevolve/evaluation_result.py",
		".asi/asi_lib/shinka/__init__.py",
		".asi/asi_lib/shinka/core/__init__.py",
		".asi/asi_lib/shinka/core/wrap_eval.py",
	} {
		if len(files[name]) == 0 {
			t.Errorf("%s missing or empty", name)
		}
	}
	for name := range files {
		if strings.Contains(name, "__pycache__") || !strings.HasSuffix(name, ".py") {
			t.Errorf("unexpected file %s", name)
		}
	}
}
