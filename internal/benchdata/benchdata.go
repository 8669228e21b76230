// Package benchdata makes the nodes asi's store and engine benchmarks
// store: the size of a real campaign's. The code is circle packing's
// initial Go program (the demo's nodes are 5.0 KB); each node carries 1
// to 3 KB of prose — a motivation, an analysis and the evaluator's
// feedback, the lengths a model writes — cut from the shipped tasks'
// statements and cognition priors; and each node comes with the LLM calls
// that made it, a researcher's and an analyzer's, whose prompts hold what
// the engine's prompts hold (the statement, the context nodes' code and
// prose) and so are as long.
package benchdata

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/store"
)

const (
	codeFile = "tasks/circlepacking/initial.go.txt"
	// Tunable is a line of the code's EVOLVE block; each generated node
	// gets its own value, so no two programs are equal.
	Tunable = "innerRingRadius  = 0.20"
	// contextNodes is how many nodes a researcher prompt shows (the
	// engine's default sample).
	contextNodes = 3
)

// Prose lengths in bytes, drawn uniformly per node: together 1.0 to 3.0 KB.
var (
	MotivationLen = [2]int{400, 1200}
	AnalysisLen   = [2]int{500, 1500}
	FeedbackLen   = [2]int{100, 300}
	InsightLen    = [2]int{60, 160}
)

// Data is the code, the statement and the prose the benchmarks use, read
// from the repository's tasks.
type Data struct {
	Code, Statement, Prose string
}

// Load reads the data from the repository whose root is root.
func Load(root string) (Data, error) {
	read := func(path string) (string, error) {
		data, err := os.ReadFile(filepath.Join(root, path))
		return string(data), err
	}
	var d Data
	var err error
	if d.Code, err = read(codeFile); err != nil {
		return d, err
	}
	if d.Statement, err = read("tasks/circlepacking/statement.md"); err != nil {
		return d, err
	}
	files, _ := filepath.Glob(filepath.Join(root, "tasks/*/statement.md"))
	priors, _ := filepath.Glob(filepath.Join(root, "tasks/*/cognition/*.md"))
	var prose strings.Builder
	for _, f := range append(files, priors...) {
		data, err := os.ReadFile(f)
		if err != nil {
			return d, err
		}
		prose.Write(data)
		prose.WriteString("\n")
	}
	d.Prose = prose.String()
	switch {
	case !strings.Contains(d.Code, Tunable):
		return d, fmt.Errorf("%s: no line %q", codeFile, Tunable)
	case len(d.Prose) < 4*AnalysisLen[1]:
		return d, fmt.Errorf("only %d bytes of prose under %s", len(d.Prose), filepath.Join(root, "tasks"))
	}
	return d, nil
}

// Text returns between span[0] and span[1] bytes of prose from a random
// place.
func (d Data) Text(rng *rand.Rand, span [2]int) string {
	n := span[0] + rng.IntN(span[1]-span[0]+1)
	start := rng.IntN(len(d.Prose) - n)
	return d.Prose[start : start+n]
}

// Node returns the node of step i: its own program, a parent drawn from
// the steps before it, prose of a model's lengths and varied scores, one
// in ten invalid.
func (d Data) Node(rng *rand.Rand, i int64) store.Node {
	code := strings.Replace(d.Code, Tunable, fmt.Sprintf("innerRingRadius  = 0.%06d", i), 1)
	var parents []int64
	if i > 0 {
		parents = []int64{rng.Int64N(i) + 1}
	}
	n := store.Node{Step: i, Parents: parents, Name: fmt.Sprintf("mutate-1-const-n%d", i), Code: code,
		Motivation: d.Text(rng, MotivationLen), Analysis: d.Text(rng, AnalysisLen), Feedback: d.Text(rng, FeedbackLen),
		Metrics: map[string]float64{"score": rng.Float64(), "min_gap": rng.Float64() / 1e4, "radius_std": rng.Float64() / 10,
			"center_distance": rng.Float64(), "runtime_ms": 50 + 100*rng.Float64()},
		Valid: rng.IntN(10) > 0, Status: store.StatusOK}
	n.Score = n.Metrics["score"]
	return n
}

// Calls returns the LLM calls that made n: the researcher's, whose prompt
// shows the statement and three context nodes (code and prose), and the
// analyzer's, whose prompt shows n and its parent.
func (d Data) Calls(rng *rand.Rand, n store.Node) []store.Call {
	shown := func(b *strings.Builder) {
		b.WriteString("\n<program>\n")
		b.WriteString(d.Code)
		b.WriteString("</program>\n<motivation>")
		b.WriteString(d.Text(rng, MotivationLen))
		b.WriteString("</motivation>\n<analysis>")
		b.WriteString(d.Text(rng, AnalysisLen))
		b.WriteString("</analysis>\n<feedback>")
		b.WriteString(d.Text(rng, FeedbackLen))
		b.WriteString("</feedback>\n")
	}
	var research strings.Builder
	research.WriteString("[user]\n")
	research.WriteString(d.Statement)
	for range contextNodes {
		shown(&research)
	}
	var analysis strings.Builder
	analysis.WriteString("[user]\n")
	analysis.WriteString(d.Statement)
	shown(&analysis)
	analysis.WriteString(n.Code)
	return []store.Call{
		{Step: n.Step, Role: "researcher", Provider: "stand-in", Model: "stand-in", Prompt: research.String(),
			Reply: "<motivation>" + n.Motivation + "</motivation>\n" + d.Text(rng, [2]int{200, 600})},
		{Step: n.Step, Role: "analyzer", Provider: "stand-in", Model: "stand-in", Prompt: analysis.String(),
			Reply: n.Analysis + "\nInsight: " + d.Text(rng, InsightLen)},
	}
}

// Fill stores nodes for steps 0 to n-1, each with its calls, as a long
// campaign leaves them, and returns the bytes of code, prose and prompts
// a node carries on average.
func Fill(ctx context.Context, st *store.Store, d Data, n int) (perNode float64, err error) {
	rng := rand.New(rand.NewPCG(1, 2))
	var size int
	for i := range int64(n) {
		node := d.Node(rng, i)
		calls := d.Calls(rng, node)
		for _, c := range calls {
			if err := st.RecordCall(ctx, c); err != nil {
				return 0, err
			}
			size += len(c.Prompt) + len(c.Reply)
		}
		size += len(node.Code) + len(node.Motivation) + len(node.Analysis) + len(node.Feedback)
		if _, err := st.Commit(ctx, &node, nil, nil); err != nil {
			return 0, err
		}
	}
	return float64(size) / float64(max(n, 1)), nil
}

// Templates fills a store once per size, in Dir, and opens a copy of it
// for each run, so that a run's steps do not change the next run's store.
type Templates struct {
	Data Data
	Dir  string // where the filled stores are kept; the caller removes it

	mu     sync.Mutex
	filled map[int]string
}

// Open opens a fresh copy of a store of n nodes, filling the template
// first if it is the first store of that size (minutes at 100k nodes; it
// logs how long it took).
func (t *Templates) Open(tb testing.TB, n int) *store.Store {
	tb.Helper()
	t.mu.Lock()
	dir, ok := t.filled[n]
	if !ok {
		var err error
		if dir, err = t.fill(tb, n); err != nil {
			t.mu.Unlock()
			tb.Fatal(err)
		}
		if t.filled == nil {
			t.filled = map[int]string{}
		}
		t.filled[n] = dir
	}
	t.mu.Unlock()
	run := tb.TempDir()
	if err := os.CopyFS(run, os.DirFS(dir)); err != nil {
		tb.Fatal(err)
	}
	// Written out now: else the run's first checkpoint, whose fsync
	// flushes the file, would pay for writing the whole copy to disk.
	if err := syncFiles(run); err != nil {
		tb.Fatal(err)
	}
	st, err := store.Open(context.Background(), run)
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

func (t *Templates) fill(tb testing.TB, n int) (string, error) {
	if err := os.MkdirAll(t.Dir, 0o755); err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp(t.Dir, fmt.Sprintf("store-%d-", n))
	if err != nil {
		return "", err
	}
	start := time.Now()
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		return "", err
	}
	perNode, err := Fill(ctx, st, t.Data, n)
	if err != nil {
		st.Close()
		return "", err
	}
	if err := st.Close(); err != nil {
		return "", err
	}
	// Written out now: else the kernel writes the template back while the
	// first runs on its copies are measured (a few GB at 100k nodes).
	if err := syncFiles(dir); err != nil {
		return "", err
	}
	tb.Logf("filled a %d-node store in %s: %.1f KB of code, prose and prompts a node", n, time.Since(start).Round(time.Second), perNode/1000)
	return dir, nil
}

// syncFiles flushes every file under dir to disk.
func syncFiles(dir string) error {
	return filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}
