package roles

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/asi-evolve/asi/core/diffs"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/sdk/bundle"
)

// Node is what a role sees of a program: a context node or a new candidate.
type Node struct {
	ID         int64
	Name       string
	Motivation string
	Code       string
	Analysis   string
	Feedback   string
	Metrics    map[string]float64
	Score      float64
	Valid      bool
	// Outputs are what the evaluator left beside its score (feedback,
	// stderr, other artifacts), already cut to the prompt's budget. The
	// researcher prompt shows them under the node's program.
	Outputs []Output
}

// Output is one raw output of an evaluation as a prompt shows it.
type Output struct {
	Label string // says what it is and what was cut, such as "stderr (last 2000 characters; 310 cut)"
	Text  string
}

// ResearcherPrompt builds the researcher's request. nodes[0] is the parent
// the edit applies to; cognition holds retrieved knowledge, best first.
// When the parent is a program of several files (package bundle) the
// prompt lists them and asks for a File line before each block.
func ResearcherPrompt(desc task.Description, nodes []Node, cognition []string) []llm.Message {
	var files []programFile
	if len(nodes) > 0 {
		files = programFiles(nodes[0].Code)
	}
	return []llm.Message{{Role: "user", Content: researcherText(desc, nodes, cognition, files)}}
}

// programFile is one file of a program as the researcher prompt lists it.
type programFile struct {
	Path     string
	Editable bool // holds an EVOLVE region, or the program has none
}

// programFiles lists the files of a program of several files, nil for a
// program of one file or one whose headers or markers are invalid (then
// no edit applies, and the prompt stays the plain one).
func programFiles(code string) []programFile {
	secs, err := bundle.Sections(code)
	if err != nil || secs == nil {
		return nil
	}
	regions, err := diffs.Regions(code)
	if err != nil {
		return nil
	}
	files := make([]programFile, len(secs))
	for i, s := range secs {
		files[i] = programFile{Path: s.Path, Editable: len(regions) == 0}
		for _, r := range regions {
			files[i].Editable = files[i].Editable || s.Start <= r.Start && r.Start < s.End
		}
	}
	return files
}

// RetryPrompt continues a researcher conversation whose edit could not be
// applied, telling the model why.
func RetryPrompt(history []llm.Message, reply, reason string) []llm.Message {
	return append(append([]llm.Message{}, history...),
		llm.Message{Role: "assistant", Content: reply},
		llm.Message{Role: "user", Content: "Your edit could not be applied: " + reason +
			"\nAnswer again in the same form. SEARCH text must be copied exactly from the parent and lie between the EVOLVE-BLOCK markers."})
}

// RewritePrompt asks for a full program after diffs failed twice.
func RewritePrompt(history []llm.Message, reply, reason string) []llm.Message {
	return append(append([]llm.Message{}, history...),
		llm.Message{Role: "assistant", Content: reply},
		llm.Message{Role: "user", Content: "Your edit could not be applied again: " + reason +
			"\nGive the whole new program in <program>...</program>, with <name> and <motivation>. Keep every line outside the EVOLVE-BLOCK markers unchanged."})
}

// Analysis is the analyzer's output for one node.
type Analysis struct {
	Text     string
	Insight  string        // the reusable lesson, "" when none was given
	Response *llm.Response // nil for the offline analyzer
	Prompt   string
}

// Analyzer explains a finished experiment.
type Analyzer interface {
	Analyze(ctx context.Context, desc task.Description, node Node, best *Node) (Analysis, error)
}

// LLMAnalyzer asks a model.
type LLMAnalyzer struct {
	Provider llm.Provider
	Seed     int64
}

// Request is the request Analyze sends for node, so a caller can price it
// first.
func (a LLMAnalyzer) Request(desc task.Description, node Node, best *Node) llm.Request {
	prompt := analyzerText(desc, node, best)
	return llm.Request{Role: "analyzer", Messages: []llm.Message{{Role: "user", Content: prompt}}, Seed: a.Seed}
}

// Analyze implements Analyzer.
func (a LLMAnalyzer) Analyze(ctx context.Context, desc task.Description, node Node, best *Node) (Analysis, error) {
	return a.Send(ctx, a.Request(desc, node, best))
}

// Send asks the model req, a request Request made: a caller that priced
// the request first sends it without rendering the prompt again.
func (a LLMAnalyzer) Send(ctx context.Context, req llm.Request) (Analysis, error) {
	prompt := req.Messages[0].Content
	resp, err := a.Provider.Complete(ctx, req)
	if err != nil {
		return Analysis{Prompt: prompt}, fmt.Errorf("analyzer: %w", err)
	}
	text := strings.TrimSpace(resp.Content)
	return Analysis{Text: text, Insight: insightLine(text), Response: &resp, Prompt: prompt}, nil
}

func insightLine(text string) string {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "Insight:"); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

// OfflineAnalyzer reports metric deltas against the best context node
// without a model. Its insight restates the edit's own motivation next to
// the delta: no model concluded it, and whoever stores it should say so.
type OfflineAnalyzer struct{}

// Analyze implements Analyzer.
func (OfflineAnalyzer) Analyze(_ context.Context, desc task.Description, node Node, best *Node) (Analysis, error) {
	var b strings.Builder
	if !node.Valid {
		fmt.Fprintf(&b, "The candidate failed: %s", firstLine(node.Feedback))
		if node.Motivation != "" {
			fmt.Fprintf(&b, "\nThe change (%s) should not be repeated as is.", firstLine(node.Motivation))
		}
		text := b.String()
		return Analysis{Text: text, Insight: ""}, nil
	}
	fmt.Fprintf(&b, "%s = %.6g.", desc.Primary, node.Score)
	insight := ""
	if best != nil && best.Valid {
		delta := node.Score - best.Score
		better := delta > 0
		if desc.Direction == task.Minimize {
			better = delta < 0
		}
		rel := ""
		if best.Score != 0 {
			rel = fmt.Sprintf(", %+.2f%%", 100*delta/math.Abs(best.Score))
		}
		verdict := "worse than"
		switch {
		case delta == 0:
			verdict = "equal to"
		case better:
			verdict = "better than"
		}
		fmt.Fprintf(&b, " %s the best context node %d (%.6g; %+.6g%s).", verdict, best.ID, best.Score, delta, rel)
		for _, name := range slices.Sorted(maps.Keys(node.Metrics)) {
			if name == desc.Primary {
				continue
			}
			if old, ok := best.Metrics[name]; ok && old != node.Metrics[name] {
				fmt.Fprintf(&b, " %s %.6g -> %.6g.", name, old, node.Metrics[name])
			}
		}
		if better && node.Motivation != "" {
			insight = fmt.Sprintf("On %s, this change raised %s by %+.6g: %s", desc.Name, desc.Primary, delta, firstLine(node.Motivation))
			fmt.Fprintf(&b, "\nInsight: %s", insight)
		}
	}
	return Analysis{Text: b.String(), Insight: insight}, nil
}

// firstLine is the first line of s, trimmed and cut to 300 bytes: an
// analysis quotes a failure or an idea by it, not the whole text.
func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	if len(line) > 300 {
		line = line[:300] + "..."
	}
	return line
}

var (
	_ Analyzer = LLMAnalyzer{}
	_ Analyzer = OfflineAnalyzer{}
)
