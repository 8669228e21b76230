package roles

import (
	"strings"
	"testing"
)

func TestResearcherPromptShowsOutputs(t *testing.T) {
	nodes := []Node{
		{ID: 7, Name: "parent", Code: "PARENT CODE", Score: 2.1, Valid: true},
		{ID: 3, Name: "other", Code: "OTHER CODE"},
	}
	plain := ResearcherPrompt(desc, nodes, nil)[0].Content
	nodes[1].Outputs = []Output{
		{Label: "evaluator feedback", Text: "overlap at circle 4"},
		{Label: "stderr (the last 10 characters; 5 characters cut)", Text: "panic: nil"},
	}
	text := ResearcherPrompt(desc, nodes, nil)[0].Content
	want := "```go\nOTHER CODE\n```\nevaluator feedback:\n```\noverlap at circle 4\n```\n" +
		"stderr (the last 10 characters; 5 characters cut):\n```\npanic: nil\n```\n\n# Your answer"
	if !strings.Contains(text, want) {
		t.Errorf("prompt lacks the outputs under node 3:\n%s", text)
	}
	// Outputs add only their own lines.
	if got := strings.Replace(text, want, "```go\nOTHER CODE\n```\n\n# Your answer", 1); got != plain {
		t.Errorf("outputs changed more than their lines:\n%s", got)
	}
}
