package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/plugins/plugintest"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
	"github.com/asi-evolve/asi/tasks/datacuration/corpus"
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
func serveTask(t testing.TB) sdk.Task { return serveLanguage(t, "python") }

func serveLanguage(t testing.TB, language string) sdk.Task {
	t.Helper()
	plugintest.RequirePython(t)
	return plugintest.ServeTask(t, &Task{}, map[string]any{"language": language, "min_keep": defaultMinKeep},
		sandbox.Options{CacheDir: sandbox.CacheDir()},
		sandbox.NewConfig().WithTimeout(60*time.Second).WithMemoryLimit(256<<20).WithOutputLimit(4<<20))
}

// withBlock returns the initial program with its EVOLVE block replaced by
// testdata/programs/<name>.py.
func withBlock(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "programs", name+".py"))
	if err != nil {
		t.Fatal(err)
	}
	head, _, tail, err := sdk.SplitEvolveBlock(initialProgram)
	if err != nil {
		t.Fatal(err)
	}
	return head + "# EVOLVE-BLOCK-START\n" + string(b) + "# EVOLVE-BLOCK-END" + tail
}

func evaluate(t *testing.T, tk sdk.Task, code string, seed int64) sdk.Result {
	t.Helper()
	res, err := tk.Evaluate(context.Background(), sdk.Candidate{Language: "python", Code: code}, 0, seed)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The hand-written heuristic filter scores clearly above keeping
// everything, on both measures.
func TestKnownGoodBeatsInitial(t *testing.T) {
	tk := serveTask(t)
	initial := evaluate(t, tk, initialProgram, 1)
	good := evaluate(t, tk, withBlock(t, "heuristic"), 1)
	if !initial.Valid || !good.Valid {
		t.Fatalf("invalid: initial %q, heuristic %q", initial.Feedback, good.Feedback)
	}
	t.Logf("initial: %s", initial.Feedback)
	t.Logf("heuristic: %s\n%s", good.Feedback, good.Artifacts["kept_by_kind.txt"])
	if k := initial.Metrics[MetricKeptFraction]; k != 1 {
		t.Errorf("initial program keeps %.3f of the documents, want all", k)
	}
	if s := initial.Metrics[MetricScore]; s < 0.5 || s > 0.7 {
		t.Errorf("initial score %.4f, want about 0.58 (the statement says so)", s)
	}
	if gap := good.Metrics[MetricScore] - initial.Metrics[MetricScore]; gap < 0.3 {
		t.Errorf("heuristic beats keeping everything by %.4f, want at least 0.3", gap)
	}
	if good.Metrics[MetricPerplexity] >= initial.Metrics[MetricPerplexity] {
		t.Errorf("heuristic perplexity %.3f, want below keeping everything's %.3f", good.Metrics[MetricPerplexity], initial.Metrics[MetricPerplexity])
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
			name:         "keeps zero documents",
			code:         withBlock(t, "keeps_nothing"),
			wantFeedback: []string{"rejected", "no text kept", "kept 0 of 930 documents"},
		},
		{
			name:         "writes its own training text",
			code:         withBlock(t, "injects_facts"),
			wantFeedback: []string{"rejected", "cleaned text adds words", "cleaning may only delete"},
		},
		{
			name:         "answers for one document",
			code:         withBlock(t, "wrong_count"),
			wantFeedback: []string{"rejected", "1 decisions for 930 documents"},
		},
		{
			name:         "changes the harness",
			code:         strings.Replace(initialProgram, "decisions = []", "decisions = [] ", 1),
			wantFeedback: []string{ErrHarness.Error(), "after EVOLVE-BLOCK-END differs"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := evaluate(t, tk, tt.code, 1)
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

// Decisions remembered by position from an evaluation that kept exactly the
// clean documents are worth nothing in another evaluation's order.
func TestHardCodedDecisionsScoreNothing(t *testing.T) {
	tk := serveTask(t)
	set := corpus.Generate(corpus.ShippedSeed)
	order := shuffled(1, len(set.Docs))
	keep := make([]bool, len(order))
	for i, k := range order {
		keep[i] = set.Docs[k].Kind == corpus.KindClean
	}
	table, err := json.Marshal(keep)
	if err != nil {
		t.Fatal(err)
	}
	head, _, tail, _ := sdk.SplitEvolveBlock(initialProgram)
	replay := head + "# EVOLVE-BLOCK-START\n" + fmt.Sprintf("_KEEP = json.loads(%q)\n_n = [0]\n\n\ndef curate(doc):\n    _n[0] += 1\n    return _KEEP[_n[0] - 1], doc\n", table) + "# EVOLVE-BLOCK-END" + tail
	same := evaluate(t, tk, replay, 1)
	other := evaluate(t, tk, replay, 2)
	initial := evaluate(t, tk, initialProgram, 2)
	if !same.Valid || !other.Valid {
		t.Fatalf("invalid: %q / %q", same.Feedback, other.Feedback)
	}
	t.Logf("replay in its own order: %s", same.Feedback)
	t.Logf("replay in another order: %s", other.Feedback)
	if s := same.Metrics[MetricScore]; s < 1 {
		t.Errorf("replay in its own order scores %.4f, want above 1 (the test's premise: exactly the clean documents)", s)
	}
	if s := other.Metrics[MetricScore]; s > initial.Metrics[MetricScore]+0.05 {
		t.Errorf("replay in another order scores %.4f, want no better than keeping everything (%.4f)", s, initial.Metrics[MetricScore])
	}
}

func TestShippedCorpusIsGenerated(t *testing.T) {
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	for _, d := range corpus.Generate(corpus.ShippedSeed).Docs {
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(want.Bytes(), shippedCorpus) {
		t.Error("corpus.jsonl differs from corpus.Generate(corpus.ShippedSeed); run go generate ./tasks/datacuration")
	}
}

func TestDescribe(t *testing.T) {
	tk := serveTask(t)
	d, err := tk.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "datacuration" || d.Language != "python" || d.Primary != MetricScore || d.Direction != sdk.Maximize {
		t.Errorf("header = %q %q %q %q", d.Name, d.Language, d.Primary, d.Direction)
	}
	if strings.Contains(d.Statement, "{{") {
		t.Errorf("statement has an unfilled placeholder")
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

// Every language's initial program keeps everything, and tightening its
// spam threshold pays, as in Python.
func TestLanguages(t *testing.T) {
	tests := []struct {
		language string
		old, new string
	}{
		{language: "python", old: "MAX_EXCLAMATIONS = 25", new: "MAX_EXCLAMATIONS = 10"},
		{language: "go", old: "maxExclamations   = 25", new: "maxExclamations   = 10"},
	}
	for _, tt := range tests {
		t.Run(tt.language, func(t *testing.T) {
			tk := serveLanguage(t, tt.language)
			d, err := tk.Describe(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if d.Language != tt.language || !strings.Contains(d.InitialProgram, tt.old) {
				t.Fatalf("description for %s: language %q, initial program lacks %q", tt.language, d.Language, tt.old)
			}
			eval := func(code string) sdk.Result {
				res, err := tk.Evaluate(context.Background(), sdk.Candidate{Language: tt.language, Code: code}, 0, 1)
				if err != nil {
					t.Fatal(err)
				}
				if !res.Valid {
					t.Fatalf("invalid: %s", res.Feedback)
				}
				return res
			}
			initial := eval(d.InitialProgram)
			if k, s := initial.Metrics[MetricKeptFraction], initial.Metrics[MetricScore]; k != 1 || math.Abs(s-0.58) > 1e-9 {
				t.Errorf("initial program keeps %.3f and scores %.4f, want 1 and 0.58", k, s)
			}
			tuned := eval(strings.Replace(d.InitialProgram, tt.old, tt.new, 1))
			if s := tuned.Metrics[MetricScore]; s < 0.9 {
				t.Errorf("dropping spam scores %.4f, want above 0.9: %s", s, tuned.Feedback)
			}
		})
	}
}
