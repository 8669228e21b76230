package roles

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/task"
)

var desc = task.Description{
	Name: "circlepacking", Statement: "Pack circles.", Language: "go",
	Primary: "sum_radii", Direction: task.Maximize,
}

func TestResearcherPromptShowsContext(t *testing.T) {
	nodes := []Node{
		{ID: 7, Name: "parent", Code: "PARENT CODE", Score: 2.1, Valid: true, Analysis: "rings help", Metrics: map[string]float64{"sum_radii": 2.1}},
		{ID: 3, Name: "other", Code: "OTHER CODE", Valid: false},
	}
	msgs := ResearcherPrompt(desc, nodes, []string{"hexagonal packings are dense"})
	if len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	text := msgs[0].Content
	for _, want := range []string{"Pack circles.", "Parent node 7: parent", "PARENT CODE", "Reference node 3", "(failed evaluation)",
		"rings help", "1. hexagonal packings are dense", "<name>", "<<<<<<< SEARCH", "sum_radii = 2.1"} {
		if !strings.Contains(text, want) {
			t.Errorf("prompt lacks %q", want)
		}
	}
}

func TestResearcherPromptFiles(t *testing.T) {
	bundled := "=== file: README.md ===\nnotes\n=== file: pkg/model.py ===\n# EVOLVE-BLOCK-START\nx = 1\n# EVOLVE-BLOCK-END\n"
	tests := []struct {
		name   string
		code   string
		want   []string
		absent []string
	}{
		{
			name: "several files",
			code: bundled,
			want: []string{
				"The program is 2 files, each beginning with its own line `=== file: PATH ===`:\n" +
					"- README.md (no EVOLVE region: read only)\n" +
					"- pkg/model.py (has EVOLVE regions: you may change it)\n" +
					"Header lines never change. Put a line `File: PATH` just before each\n<<<<<<< SEARCH to name the file that block edits. Answer in exactly this form:",
				"<diff>\nFile: pkg/model.py\n<<<<<<< SEARCH\n",
				"instead of <diff>. It holds all\n2 files, in the order above, each beginning with its header line.\n",
			},
		},
		{
			name:   "one file",
			code:   "# EVOLVE-BLOCK-START\nx = 1\n# EVOLVE-BLOCK-END\n",
			want:   []string{"markers may change. Answer in exactly this form:", "<diff>\n<<<<<<< SEARCH\n", "instead of <diff>.\n"},
			absent: []string{"File:", "files"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := ResearcherPrompt(desc, []Node{{ID: 1, Code: tt.code}}, nil)[0].Content
			for _, want := range tt.want {
				if !strings.Contains(text, want) {
					t.Errorf("prompt lacks %q:\n%s", want, text)
				}
			}
			for _, no := range tt.absent {
				if strings.Contains(text, no) {
					t.Errorf("prompt has %q:\n%s", no, text)
				}
			}
		})
	}
}

func TestRetryPromptKeepsHistory(t *testing.T) {
	history := ResearcherPrompt(desc, []Node{{ID: 1, Code: "x"}}, nil)
	msgs := RetryPrompt(history, "bad reply", "block 1: SEARCH text not found")
	if len(msgs) != 3 || msgs[1].Role != "assistant" || !strings.Contains(msgs[2].Content, "block 1: SEARCH text not found") {
		t.Fatalf("retry messages = %+v", msgs)
	}
	if len(history) != 1 {
		t.Fatal("RetryPrompt changed its input")
	}
}

func TestOfflineAnalyzer(t *testing.T) {
	best := &Node{ID: 4, Score: 2.0, Valid: true, Metrics: map[string]float64{"sum_radii": 2.0, "min_gap": 0.1}}
	tests := []struct {
		name        string
		node        Node
		wantText    []string
		wantInsight bool
	}{
		{"better", Node{Score: 2.2, Valid: true, Motivation: "moved ring", Metrics: map[string]float64{"sum_radii": 2.2, "min_gap": 0.2}},
			[]string{"better than the best context node 4", "+0.2", "+10.00%", "min_gap 0.1 -> 0.2"}, true},
		{"worse", Node{Score: 1.9, Valid: true, Motivation: "shrank"}, []string{"worse than", "-0.1"}, false},
		{"failed", Node{Valid: false, Feedback: "circles 1 and 2 overlap\nmore", Motivation: "bad idea"},
			[]string{"failed: circles 1 and 2 overlap", "bad idea"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := OfflineAnalyzer{}.Analyze(context.Background(), desc, tt.node, best)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.wantText {
				if !strings.Contains(a.Text, w) {
					t.Errorf("analysis %q lacks %q", a.Text, w)
				}
			}
			if (a.Insight != "") != tt.wantInsight {
				t.Errorf("insight = %q, want present %v", a.Insight, tt.wantInsight)
			}
		})
	}
}

type fakeProvider struct {
	reply string
	err   error
	got   llm.Request
}

func (f *fakeProvider) Name() string { return "fake" }
func (f *fakeProvider) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	f.got = req
	return llm.Response{Content: f.reply}, f.err
}

func TestLLMAnalyzer(t *testing.T) {
	p := &fakeProvider{reply: "It worked.\nInsight: keep rings symmetric\n"}
	a, err := LLMAnalyzer{Provider: p}.Analyze(context.Background(), desc, Node{ID: 9, Name: "x", Code: "CODE", Valid: true, Score: 2}, &Node{ID: 1, Code: "BEST"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Insight != "keep rings symmetric" || p.got.Role != "analyzer" || !strings.Contains(p.got.Messages[0].Content, "BEST") {
		t.Fatalf("analysis %+v, request %+v", a, p.got)
	}
	p.err = errors.New("server down")
	if _, err := (LLMAnalyzer{Provider: p}).Analyze(context.Background(), desc, Node{}, nil); err == nil {
		t.Fatal("provider error swallowed")
	}
}
