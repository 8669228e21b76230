package roles

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"text/template"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/task"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"inc": func(i int) int { return i + 1 },
}).ParseFS(templateFS, "templates/*.tmpl"))

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
}

func render(name string, data any) string {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		// The templates are embedded and tested; failing here is a bug.
		panic(fmt.Sprintf("render %s: %v", name, err))
	}
	return b.String()
}

// ResearcherPrompt builds the researcher's request. nodes[0] is the parent
// the edit applies to; cognition holds retrieved knowledge, best first.
func ResearcherPrompt(desc task.Description, nodes []Node, cognition []string) []llm.Message {
	text := render("researcher.tmpl", struct {
		Task      task.Description
		Nodes     []Node
		Cognition []string
	}{desc, nodes, cognition})
	return []llm.Message{{Role: "user", Content: text}}
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
	prompt := render("analyzer.tmpl", struct {
		Task task.Description
		Node Node
		Best *Node
	}{desc, node, best})
	return llm.Request{Role: "analyzer", Messages: []llm.Message{{Role: "user", Content: prompt}}, Seed: a.Seed}
}

// Analyze implements Analyzer.
func (a LLMAnalyzer) Analyze(ctx context.Context, desc task.Description, node Node, best *Node) (Analysis, error) {
	req := a.Request(desc, node, best)
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
