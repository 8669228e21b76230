package views

import (
	"bytes"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/store"
)

// TestReportSaysWhatModelsDid: tokens and calls are those of models; roles
// that ran with none are named, and an offline run shows no counts.
func TestReportSaysWhatModelsDid(t *testing.T) {
	tests := []struct {
		name    string
		usage   store.Usage
		offline []string
		want    []string
		not     []string
	}{
		{
			name: "offline run", usage: store.Usage{Offline: 300}, offline: []string{"researcher", "analyzer"},
			want: []string{"llm:        no model called\n", "offline:    researcher, analyzer (no model)\n"},
			not:  []string{"tokens", "calls", "$"},
		},
		{
			name: "model researcher, offline analyzer", usage: store.Usage{Calls: 12, PromptTokens: 3000, CompletionTokens: 456, CostUSD: 0.0123},
			offline: []string{"analyzer"},
			want:    []string{"llm:        12 calls, 3456 tokens, $0.0123\n", "offline:    analyzer (no model)\n"},
		},
		{
			name: "models only", usage: store.Usage{Calls: 2, PromptTokens: 10, CompletionTokens: 5},
			want: []string{"llm:        2 calls, 15 tokens, $0.0000\n"},
			not:  []string{"offline"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := (View{W: &b}).Report(Report{Campaign: "c", Task: "t", Primary: "ratio", Usage: tt.usage, Offline: tt.offline}); err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.want {
				if !strings.Contains(b.String(), want) {
					t.Errorf("report lacks %q:\n%s", want, b.String())
				}
			}
			for _, not := range tt.not {
				if strings.Contains(b.String(), not) {
					t.Errorf("report has %q:\n%s", not, b.String())
				}
			}
		})
	}
}

func TestNodeShowsOfflineAnswers(t *testing.T) {
	d := NodeDetail{Node: nodes[1], Calls: []store.Call{
		{ID: 7, Role: "researcher", Provider: store.OfflineProvider, Model: "offline", Reply: "<name>x</name>"},
		{ID: 8, Role: "analyzer", Provider: "openai", Model: "gpt-4o", PromptTokens: 10, CompletionTokens: 5},
	}}
	var b bytes.Buffer
	if err := (View{W: &b}).Node(d, "ratio"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "Offline answer 7: researcher by the offline search operator (no model)") ||
		!strings.Contains(out, "LLM call 8: analyzer via openai gpt-4o, 10+5 tokens") || strings.Count(out, "tokens") != 1 {
		t.Errorf("calls shown as:\n%s", out)
	}
}

// TestReportInitialFailure: a failed initial program is said to have
// failed, with its error, not scored as "failed".
func TestReportInitialFailure(t *testing.T) {
	initial := Summarize(store.Node{ID: 1, Name: "initial", Status: store.StatusFailed,
		Error: "stage \"evaluate\": invalid candidate: circle 3 lies outside the square\nmore"})
	var b bytes.Buffer
	err := (View{W: &b}).Report(Report{Campaign: "c", Task: "t", Primary: "ratio", Reason: "the initial program failed", Initial: &initial})
	if err != nil {
		t.Fatal(err)
	}
	want := "initial:    failed (node 1): stage \"evaluate\": invalid candidate: circle 3 lies outside the square"
	if !strings.Contains(b.String(), want) || strings.Contains(b.String(), "ratio = failed") {
		t.Errorf("report lacks %q or scores the initial program as failed:\n%s", want, b.String())
	}
}
