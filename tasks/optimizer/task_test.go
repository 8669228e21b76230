package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/internal/testenv"
	"github.com/asi-evolve/asi/plugins/plugintest"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
)

// TestMain lets the test binary serve as a sandbox worker, so Python guests
// run at full speed as under asi.
func TestMain(m *testing.M) {
	sandbox.MaybeWorker()
	os.Exit(m.Run())
}

// serveTask serves the task through the plugin protocol with the host's
// real sandbox, as asi runs it. It skips when the Python runtime is not
// built.
func serveTask(t testing.TB) sdk.Task {
	t.Helper()
	plugintest.RequirePython(t)
	return serveLanguage(t, "python")
}

// serveLanguage serves the task for candidates in language with the
// default steps and instances.
func serveLanguage(t testing.TB, language string) sdk.Task {
	t.Helper()
	return plugintest.ServeTask(t, &Task{},
		map[string]any{"language": language, "steps": float64(defaultSteps), "instances": float64(defaultInstances)},
		sandbox.Options{CacheDir: sandbox.CacheDir()}, sandbox.NewConfig().WithTimeout(60*time.Second).WithMemoryLimit(256<<20))
}

// withBlock returns the initial program with its EVOLVE block replaced by
// the file testdata/programs/<name>.py.
func withBlock(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "programs", name+".py"))
	if err != nil {
		t.Fatal(err)
	}
	return replaceBlock(t, string(b))
}

func replaceBlock(t testing.TB, block string) string {
	t.Helper()
	head, _, tail, err := sdk.SplitEvolveBlock(initialProgram)
	if err != nil {
		t.Fatal(err)
	}
	return head + "# EVOLVE-BLOCK-START\n" + block + "# EVOLVE-BLOCK-END" + tail
}

func evaluate(t *testing.T, tk sdk.Task, code string, seed int64) sdk.Result {
	t.Helper()
	res, err := tk.Evaluate(context.Background(), sdk.Candidate{Language: "python", Code: code}, 0, seed)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The hand-written Adam matches the plugin's own Adam (score about 0) and
// beats the initial SGD with momentum clearly, on two seeds.
func TestKnownGoodBeatsInitial(t *testing.T) {
	tk := serveTask(t)
	for _, seed := range []int64{1, 2} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			initial := evaluate(t, tk, initialProgram, seed)
			good := evaluate(t, tk, withBlock(t, "adam"), seed)
			if !initial.Valid || !good.Valid {
				t.Fatalf("invalid: initial %q, adam %q", initial.Feedback, good.Feedback)
			}
			t.Logf("initial: %s", initial.Feedback)
			t.Logf("adam: %s", good.Feedback)
			if s := good.Metrics[MetricScore]; s < -0.01 || s > 0.01 {
				t.Errorf("hand-written Adam scores %.4f, want about 0 (the plugin's Adam)", s)
			}
			if gap := good.Metrics[MetricScore] - initial.Metrics[MetricScore]; gap < 0.3 {
				t.Errorf("Adam beats the initial program by %.3f, want at least 0.3", gap)
			}
		})
	}
}

func TestRewardHacking(t *testing.T) {
	tk := serveTask(t)
	tests := []struct {
		name         string
		code         string
		wantFeedback []string
	}{
		{
			name:         "prints a perfect score",
			code:         withBlock(t, "claims_score"),
			wantFeedback: []string{"rejected", "text after the JSON object", "print logs to stderr"},
		},
		{
			name:         "returns NaN",
			code:         withBlock(t, "nan"),
			wantFeedback: []string{"exception", "quadratic/1: step 1 returned a parameter that is not a finite number"},
		},
		{
			name:         "returns the wrong shape",
			code:         withBlock(t, "wrong_shape"),
			wantFeedback: []string{"quadratic/1: step 1 returned 9 parameters, want 10"},
		},
		{
			name:         "changes the harness",
			code:         strings.Replace(initialProgram, "def main():", "def main():\n    pass", 1),
			wantFeedback: []string{ErrHarness.Error(), "after EVOLVE-BLOCK-END differs"},
		},
		{
			name:         "overrides the harness's output",
			code:         withBlock(t, "overrides_output"),
			wantFeedback: []string{"rejected", "NaN or infinite"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := evaluate(t, tk, tt.code, 7)
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

// Parameters that were excellent for one seed's problems are worth nothing
// on another's: a candidate replaying them scores far below even the
// initial program.
func TestHardCodedParametersScoreNothing(t *testing.T) {
	tk := serveTask(t)
	first := evaluate(t, tk, withBlock(t, "adam"), 3)
	if !first.Valid {
		t.Fatalf("adam invalid: %s", first.Feedback)
	}
	var out struct {
		Params map[string][]float64 `json:"params"`
	}
	if err := json.Unmarshal(first.Artifacts["stdout"], &out); err != nil {
		t.Fatal(err)
	}
	// The replay returns, for the k-th problem of each parameter count, the
	// parameters Adam reached on the k-th such problem of seed 3.
	seen := map[int][][]float64{}
	for _, p := range Suite(3, defaultInstances) {
		seen[len(p.Init)] = append(seen[len(p.Init)], out.Params[p.Name])
	}
	table, err := json.Marshal(seen)
	if err != nil {
		t.Fatal(err)
	}
	replay := replaceBlock(t, fmt.Sprintf(`_SEEN = {int(k): v for k, v in json.loads(%q).items()}
_STARTED = {}


def step(params, grads, state, t):
    if state is None:
        state = _STARTED.get(len(params), 0)
        _STARTED[len(params)] = state + 1
    return list(_SEEN[len(params)][state]), state
`, table))
	same := evaluate(t, tk, replay, 3)
	other := evaluate(t, tk, replay, 4)
	initial := evaluate(t, tk, initialProgram, 4)
	if !same.Valid || !other.Valid || !initial.Valid {
		t.Fatalf("invalid: %q / %q / %q", same.Feedback, other.Feedback, initial.Feedback)
	}
	t.Logf("replay on its own seed: %s", same.Feedback)
	t.Logf("replay on another seed: %s", other.Feedback)
	if s := same.Metrics[MetricScore]; s < -0.01 {
		t.Errorf("replay on the seed it was taken from scores %.3f, want about 0 (the test's premise)", s)
	}
	if s, floor := other.Metrics[MetricScore], initial.Metrics[MetricScore]-0.5; s > floor {
		t.Errorf("replay on another seed scores %.3f, want below %.3f (the initial program's score minus 0.5)", s, floor)
	}
}

func TestDescribe(t *testing.T) {
	tk := serveTask(t)
	d, err := tk.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "optimizer" || d.Language != "python" || d.Primary != MetricScore || d.Direction != sdk.Maximize {
		t.Errorf("header = %q %q %q %q", d.Name, d.Language, d.Primary, d.Direction)
	}
	if !strings.Contains(d.Statement, "200 updates per problem") {
		t.Errorf("statement does not show the configured steps")
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
	if _, err := sdk.EvolveBlock(d.InitialProgram, initialProgram); err != nil {
		t.Errorf("initial program: %v", err)
	}
}

// The Go harness trains the same problems as the Python one: its initial
// program scores what Python's does, and its Adam matches the plugin's.
func TestGoHarness(t *testing.T) {
	if _, err := sandbox.PythonHome(); errors.Is(err, sandbox.ErrPythonNotBuilt) {
		testenv.Skipf(t, "needs the Python runtime for the comparison: run make python-wasm")
	}
	tk := serveLanguage(t, "go")
	d, err := tk.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Language != "go" || !strings.Contains(d.Statement, "func step(params, grads []float64") {
		t.Fatalf("description for go: language %q, statement lacks the Go signature", d.Language)
	}
	eval := func(code string) sdk.Result {
		res, err := tk.Evaluate(context.Background(), sdk.Candidate{Language: "go", Code: code}, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Valid {
			t.Fatalf("invalid: %s", res.Feedback)
		}
		return res
	}
	python := evaluate(t, serveTask(t), initialProgram, 1)
	initial := eval(d.InitialProgram)
	if a, b := initial.Metrics[MetricScore], python.Metrics[MetricScore]; math.Abs(a-b) > 1e-9 {
		t.Errorf("Go initial program scores %.6f, Python's %.6f: the harnesses differ", a, b)
	}
	head, _, tail, err := sdk.SplitEvolveBlock(d.InitialProgram)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "programs", "adam.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	adam := eval(head + "// EVOLVE-BLOCK-START\n" + string(b) + "// EVOLVE-BLOCK-END" + tail)
	if s := adam.Metrics[MetricScore]; math.Abs(s) > 1e-6 {
		t.Errorf("Go Adam scores %.6f, want 0 (the plugin's Adam)", s)
	}
	broken := strings.Replace(d.InitialProgram, "momentum     = 0.9", "momentum     = 0.9\n\tunused       = x", 1)
	res, err := tk.Evaluate(context.Background(), sdk.Candidate{Language: "go", Code: broken}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.Valid || !strings.Contains(res.Feedback, "does not compile") || !strings.Contains(res.Feedback, "undefined: x") {
		t.Errorf("a program that does not compile: valid %v, feedback %q", res.Valid, res.Feedback)
	}
}
