package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/task"
)

// chattyTask is numberTask writing to stderr and giving feedback.
type chattyTask struct {
	numberTask
	stderr   func(value string) string // "" stores no stderr
	feedback func(value string) string
}

func (t *chattyTask) Evaluate(ctx context.Context, c task.Candidate, stage int, seed int64) (task.Result, error) {
	res, err := t.numberTask.Evaluate(ctx, c, stage, seed)
	if err != nil {
		return res, err
	}
	value := "?"
	if m := valueLine.FindStringSubmatch(c.Code); m != nil {
		value = m[1]
	}
	if t.stderr != nil {
		if text := t.stderr(value); text != "" {
			res.Artifacts = map[string][]byte{"stderr": []byte(text), "trace": []byte("trace of " + value)}
		}
	}
	if t.feedback != nil {
		res.Feedback = t.feedback(value)
	}
	return res, nil
}

// researcherPrompts runs two steps with one worker and returns the
// researcher prompts.
func researcherPrompts(t *testing.T, tk task.Interface, fb *Feedback) []string {
	t.Helper()
	rec := &promptRecorder{Provider: &incrementer{}}
	e := newEngine(t, openStore(t), tk, rec, func(c *Config) {
		c.Workers, c.Budget.Steps, c.Feedback = 1, 2, fb
	})
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rec.prompts) != 2 {
		t.Fatalf("%d researcher prompts, want 2", len(rec.prompts))
	}
	return rec.prompts
}

func TestFeedbackShowsStderrInTheNextPrompt(t *testing.T) {
	warn := func(v string) string { return "warning: value " + v + " looks small\n" }
	tests := []struct {
		name     string
		fb       *Feedback
		stderr   func(value string) string // nil: a warning
		want     []string
		dontWant []string
	}{
		{
			name: "on",
			fb:   &Feedback{Stderr: true},
			want: []string{"stderr:\n```\nwarning: value 1 looks small\n```", "evaluator feedback:\n```\nvalue 1 checked\n```"},
			// Artifacts are shown only when named.
			dontWant: []string{"trace of 1"},
		},
		{name: "named artifacts", fb: &Feedback{Artifacts: []string{"trace"}}, want: []string{"artifact trace:\n```\ntrace of 1\n```"}, dontWant: []string{"looks small"}},
		{name: "off", fb: nil, dontWant: []string{"looks small", "value 1 checked", "trace of 1"}},
		{
			name: "invalid UTF-8", fb: &Feedback{Stderr: true},
			stderr: func(v string) string { return "bad byte \xff after " + v },
			want:   []string{"bad byte \uFFFD after 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := &chattyTask{stderr: warn, feedback: func(v string) string { return "value " + v + " checked" }}
			if tt.stderr != nil {
				tk.stderr = tt.stderr
			}
			prompts := researcherPrompts(t, tk, tt.fb)
			for _, want := range tt.want {
				if !strings.Contains(prompts[0], want) {
					t.Errorf("prompt lacks %q:\n%s", want, prompts[0])
				}
			}
			for _, dont := range tt.dontWant {
				if strings.Contains(prompts[0], dont) {
					t.Errorf("prompt shows %q:\n%s", dont, prompts[0])
				}
			}
		})
	}
}

func TestFeedbackBudgetKeepsTheTailOfStderr(t *testing.T) {
	long := func(string) string { return "FIRST LINE\n" + strings.Repeat("x", 5000) + "\npanic: LAST LINE" }
	tk := &chattyTask{stderr: long, feedback: func(string) string { return "HEAD " + strings.Repeat("y", 5000) + " FEEDBACK END" }}
	prompt := researcherPrompts(t, tk, &Feedback{MaxChars: 300, Stderr: true})[0]
	for _, want := range []string{"panic: LAST LINE", "HEAD ", "stderr (the last 150 characters; 4878 characters cut)", "evaluator feedback (the first 150 characters; 4868 characters cut)"} {
		if !strings.Contains(prompt, want) {
			t.Errorf("prompt lacks %q:\n%s", want, prompt)
		}
	}
	for _, dont := range []string{"FIRST LINE", "FEEDBACK END"} {
		if strings.Contains(prompt, dont) {
			t.Errorf("prompt shows %q, which the budget cuts", dont)
		}
	}
}

// TestFeedbackWithoutOutputsKeepsThePrompt checks that nodes without
// feedback or stderr give the very prompt they gave before.
func TestFeedbackWithoutOutputsKeepsThePrompt(t *testing.T) {
	quiet := func() task.Interface { return &chattyTask{stderr: func(string) string { return "  \n" }} }
	on := researcherPrompts(t, quiet(), &Feedback{Stderr: true, Artifacts: []string{"missing"}})
	off := researcherPrompts(t, quiet(), nil)
	if diff := cmp.Diff(off, on); diff != "" {
		t.Errorf("prompts with feedback on (-off +on):\n%s", diff)
	}
}

func TestCutOutputs(t *testing.T) {
	out := func(name string, n int, tail bool) rawOutput {
		return rawOutput{name: name, text: []rune(strings.Repeat("é", n)), tail: tail}
	}
	tests := []struct {
		name   string
		raw    []rawOutput
		budget int
		want   []string // label and length of each output
	}{
		{name: "fits", raw: []rawOutput{out("a", 10, false), out("b", 5, true)}, budget: 20, want: []string{"a 10", "b 5"}},
		{
			name: "a short output leaves its share to the long one", raw: []rawOutput{out("a", 100, false), out("b", 10, true)}, budget: 60,
			want: []string{"a (the first 50 characters; 50 characters cut) 50", "b 10"},
		},
		{
			name: "even shares", raw: []rawOutput{out("a", 100, false), out("b", 100, true), out("c", 100, false)}, budget: 90,
			want: []string{"a (the first 30 characters; 70 characters cut) 30", "b (the last 30 characters; 70 characters cut) 30", "c (the first 30 characters; 70 characters cut) 30"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, o := range cutOutputs(tt.raw, tt.budget) {
				got = append(got, fmt.Sprintf("%s %d", o.Label, len([]rune(o.Text))))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outputs (-want +got):\n%s", diff)
			}
		})
	}
	tail := cutOutputs([]rawOutput{{name: "stderr", text: []rune("abcdef"), tail: true}}, 2)
	if diff := cmp.Diff([]roles.Output{{Label: "stderr (the last 2 characters; 4 characters cut)", Text: "ef"}}, tail); diff != "" {
		t.Errorf("tail (-want +got):\n%s", diff)
	}
}
