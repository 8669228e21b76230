package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"github.com/asi-evolve/asi/sdk"
	"github.com/asi-evolve/asi/tasks/datacuration/corpus"
)

// Names of the metrics an evaluation reports.
const (
	MetricScore        = "score"
	MetricAccuracy     = "probe_accuracy"
	MetricPerplexity   = "perplexity"
	MetricKeptFraction = "kept_fraction"
	MetricCoverage     = "coverage"
	MetricCodeLength   = "code_length"
	MetricRuntimeMS    = "runtime_ms"
)

const (
	defaultMinKeep = 0.5
	feedbackTail   = 2 << 10
)

// languages are the values the language setting accepts, the default
// first.
// JavaScript is not offered: goja compiled to wasm needs about 20 s just to
// parse and scan the corpus once on a 2-core machine.
var languages = []string{"python", "go"}

var (
	//go:embed initial.py.txt
	initialProgram string
	//go:embed initial.go.txt
	initialGo string
)

// harness is one language's initial program, the file it runs as and how
// the statement names the function.
type harness struct {
	file, program, signature string
}

var harnesses = map[string]harness{
	"python": {file: "main.py", program: initialProgram, signature: "a Python 3.11 program (standard library only) whose EVOLVE block defines `curate(doc) -> (keep, text)`"},
	"go":     {file: "main.go", program: initialGo, signature: "a Go program (standard library only; the harness imports what the block may use) whose EVOLVE block defines `func curate(doc string) (keep bool, text string)`"},
}

//go:embed statement.md
var statement string

//go:embed corpus.jsonl
var shippedCorpus []byte

// Task is the data-curation task. It is safe for concurrent Evaluate calls
// once configured.
type Task struct {
	mu       sync.RWMutex
	sandbox  sdk.Sandbox
	language string
	scorer   *Scorer
}

// Describe implements sdk.Task.
func (t *Task) Describe(context.Context) (sdk.Description, error) {
	minKeep, language := defaultMinKeep, languages[0]
	t.mu.RLock()
	if t.scorer != nil {
		minKeep, language = t.scorer.MinKeep, t.language
	}
	t.mu.RUnlock()
	h := harnesses[language]
	return sdk.Description{
		Name:           "datacuration",
		Version:        "0.1.0",
		Statement:      strings.NewReplacer("{{min_keep}}", fmt.Sprint(minKeep), "{{program}}", h.signature).Replace(statement),
		Language:       language,
		InitialProgram: h.program,
		Metrics: []sdk.Metric{
			{Name: MetricScore, Description: "probe_accuracy * (reference perplexity / perplexity) * keep penalty; the initial keep-everything program scores about 0.58 (higher is better)"},
			{Name: MetricAccuracy, Description: "fraction of the 50 multiple-choice probe questions the model trained on the kept text answers right (higher is better)"},
			{Name: MetricPerplexity, Description: "perplexity per word of that model on held-out clean text (lower is better)"},
			{Name: MetricKeptFraction, Description: "fraction of the documents kept"},
			{Name: MetricCoverage, Description: "words kept / words in the corpus's clean documents; below min_keep the score is scaled down"},
			{Name: MetricCodeLength, Description: "bytes of the EVOLVE block"},
			{Name: MetricRuntimeMS, Description: "wall-clock milliseconds the harness ran in the sandbox"},
		},
		Primary:           MetricScore,
		Direction:         sdk.Maximize,
		FeatureDimensions: []string{MetricKeptFraction, MetricCodeLength},
		Stages:            []sdk.Stage{{Name: "curate"}},
		Config: []sdk.Setting{
			{Name: "language", Type: sdk.TypeString, Default: languages[0], Description: "language of the candidates: " + strings.Join(languages, ", ")},
			{Name: "min_keep", Type: sdk.TypeNumber, Default: defaultMinKeep, Description: "coverage below which the score is scaled down in proportion"},
		},
	}, nil
}

// Configure implements sdk.Task.
func (t *Task) Configure(_ context.Context, req sdk.ConfigureRequest) error {
	language, _ := req.Settings["language"].(string)
	if !slices.Contains(languages, language) {
		return sdk.Errorf([]string{"language"}, "Unsupported language",
			"datacuration has a harness in %s only, not %q.", strings.Join(languages, ", "), language)
	}
	minKeep, _ := req.Settings["min_keep"].(float64)
	if !(minKeep > 0 && minKeep <= 1) {
		return sdk.Errorf([]string{"min_keep"}, "Value out of range", "min_keep must be in (0, 1], not %v.", minKeep)
	}
	set := corpus.Generate(corpus.ShippedSeed)
	docs, err := loadCorpus(shippedCorpus)
	if err != nil {
		return err
	}
	set.Docs = docs
	scorer := NewScorer(set, minKeep)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sandbox, t.language, t.scorer = req.Host.Sandbox, language, scorer
	return nil
}

// loadCorpus reads the shipped JSON lines.
func loadCorpus(b []byte) ([]corpus.Doc, error) {
	var docs []corpus.Doc
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d corpus.Doc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("datacuration: corpus.jsonl line %d: %w", len(docs)+1, err)
		}
		docs = append(docs, d)
	}
	return docs, sc.Err()
}

// Evaluate implements sdk.Task: it hands the corpus, in an order drawn from
// seed, to the candidate's harness in the sandbox, then trains and
// measures a language model on what it kept.
func (t *Task) Evaluate(ctx context.Context, c sdk.Candidate, stage int, seed int64) (sdk.Result, error) {
	t.mu.RLock()
	sb, language, scorer := t.sandbox, t.language, t.scorer
	t.mu.RUnlock()
	if sb == nil {
		return sdk.Result{}, sdk.ErrNotConfigured
	}
	if stage != 0 {
		return sdk.Result{}, fmt.Errorf("datacuration: stage %d: only stage 0 exists", stage)
	}
	if c.Language != "" && c.Language != language {
		return sdk.Invalid(fmt.Sprintf("the program must be %s, not %q", language, c.Language), nil), nil
	}
	h := harnesses[language]
	block, err := sdk.EvolveBlock(c.Code, h.program)
	if err != nil {
		return sdk.Invalid(err.Error()+"; change only the lines between EVOLVE-BLOCK-START and EVOLVE-BLOCK-END", nil), nil
	}

	order := shuffled(seed, len(scorer.Set.Docs))
	docs := make([]string, len(order))
	for i, k := range order {
		docs[i] = scorer.Set.Docs[k].Text
	}
	stdin, err := json.Marshal(map[string][]string{"docs": docs})
	if err != nil {
		return sdk.Result{}, fmt.Errorf("datacuration: encode documents: %w", err)
	}
	run, err := sb.Run(ctx, sdk.SandboxRun{Language: language, Files: map[string][]byte{h.file: []byte(c.Code)}, Stdin: stdin})
	if err != nil {
		return sdk.Result{}, fmt.Errorf("datacuration: node %d: %w", c.NodeID, err)
	}
	artifacts := map[string][]byte{"stderr": run.Stderr}
	if !run.OK() {
		return sdk.Invalid(sdk.FailedRun("the program", run, feedbackTail), artifacts), nil
	}
	decisions, err := Parse(run.Stdout, docs)
	if err != nil {
		return sdk.Invalid("rejected: "+err.Error(), artifacts), nil
	}
	ms, err := scorer.Score(decisions)
	if err != nil {
		return sdk.Invalid("rejected: "+err.Error(), artifacts), nil
	}
	artifacts["kept_by_kind.txt"] = keptByKind(scorer.Set.Docs, order, decisions)
	return sdk.Result{
		Valid: true,
		Metrics: map[string]float64{
			MetricScore:        ms.Score,
			MetricAccuracy:     ms.Accuracy,
			MetricPerplexity:   ms.Perplexity,
			MetricKeptFraction: ms.KeptFraction,
			MetricCoverage:     ms.Coverage,
			MetricCodeLength:   float64(len(block)),
			MetricRuntimeMS:    float64(run.Wall.Microseconds()) / 1000,
		},
		Feedback: fmt.Sprintf("score %.4f: probe accuracy %.3f, held-out perplexity %.3f (keeping everything: %.3f), kept %.1f%% of the documents, coverage %.2f (min %.2f); ran %.0fms",
			ms.Score, ms.Accuracy, ms.Perplexity, scorer.RefPPL, 100*ms.KeptFraction, ms.Coverage, scorer.MinKeep, float64(run.Wall.Milliseconds())),
		Artifacts: artifacts,
	}, nil
}

// keptByKind tabulates the decisions by the documents' true kinds, for the
// people reading a campaign (the researcher never sees kinds).
func keptByKind(docs []corpus.Doc, order []int, decisions []Decision) []byte {
	kept, total := map[string]int{}, map[string]int{}
	for i, k := range order {
		total[docs[k].Kind]++
		if decisions[i].Keep {
			kept[docs[k].Kind]++
		}
	}
	var b strings.Builder
	for _, kind := range slices.Sorted(func(yield func(string) bool) {
		for k := range total {
			if !yield(k) {
				return
			}
		}
	}) {
		fmt.Fprintf(&b, "%-13s %4d of %4d\n", kind, kept[kind], total[kind])
	}
	return []byte(b.String())
}

// shuffled is the order in which the candidate sees the documents for seed.
func shuffled(seed int64, n int) []int {
	return rand.New(rand.NewPCG(uint64(seed), 0x6375726174)).Perm(n)
}

var _ sdk.Task = (*Task)(nil)
