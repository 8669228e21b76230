package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
)

// Feedback shows the context nodes' raw evaluation outputs in the
// researcher prompt: the evaluator's feedback (its head), the stderr
// artifact (its tail) when Stderr is set, and the artifacts named in
// Artifacts (their heads), MaxChars characters per node in all.
type Feedback struct {
	MaxChars  int // characters per node; 0 means DefaultFeedbackChars
	Stderr    bool
	Artifacts []string
}

// DefaultFeedbackChars is the default of Feedback.MaxChars: about a
// screen of a stack trace per node, so three context nodes add a few
// thousand tokens at most.
const DefaultFeedbackChars = 2000

// StderrArtifact is the name of the artifact tasks store a candidate's
// standard error under.
const StderrArtifact = "stderr"

// rawOutput is one output before it is cut.
type rawOutput struct {
	name string
	text []rune
	tail bool // keep the end (stderr), not the beginning
}

// showOutputs sets the Outputs of each of roleNodes from the stored node
// at the same index. Nothing is shown when Config.Feedback is nil, or for
// a node with no output, so such prompts are what they were without it.
func (e *Engine) showOutputs(ctx context.Context, stored []store.Node, roleNodes []roles.Node) error {
	fb := e.cfg.Feedback
	if fb == nil {
		return nil
	}
	for i, n := range stored {
		var raw []rawOutput
		if text := strings.TrimSpace(n.Feedback); text != "" {
			raw = append(raw, rawOutput{name: "evaluator feedback", text: []rune(text)})
		}
		names := fb.Artifacts
		if fb.Stderr {
			names = append([]string{StderrArtifact}, names...)
		}
		for _, name := range names {
			content, err := e.cfg.Store.Artifact(ctx, n.ID, name)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("node %d: show outputs: %w", n.ID, err)
			}
			text := strings.TrimSpace(strings.ToValidUTF8(string(content), "\uFFFD"))
			if text == "" {
				continue
			}
			label := "artifact " + name
			if name == StderrArtifact {
				label = "stderr"
			}
			raw = append(raw, rawOutput{name: label, text: []rune(text), tail: name == StderrArtifact})
		}
		roleNodes[i].Outputs = cutOutputs(raw, fb.maxChars())
	}
	return nil
}

func (fb *Feedback) maxChars() int {
	if fb.MaxChars <= 0 {
		return DefaultFeedbackChars
	}
	return fb.MaxChars
}

// cutOutputs fits outputs into budget characters: the budget is shared
// evenly, and what a short output leaves goes to the longer ones. A cut
// output keeps its head, or its tail when tail is set, and its label says
// how many characters were cut.
func cutOutputs(raw []rawOutput, budget int) []roles.Output {
	if len(raw) == 0 {
		return nil
	}
	byLength := make([]int, len(raw))
	for i := range byLength {
		byLength[i] = i
	}
	slices.SortStableFunc(byLength, func(a, b int) int { return len(raw[a].text) - len(raw[b].text) })
	share := make([]int, len(raw))
	left := budget
	for j, i := range byLength {
		share[i] = min(len(raw[i].text), left/(len(raw)-j))
		left -= share[i]
	}
	out := make([]roles.Output, len(raw))
	for i, r := range raw {
		cut := len(r.text) - share[i]
		switch {
		case cut == 0:
			out[i] = roles.Output{Label: r.name, Text: string(r.text)}
		case r.tail:
			out[i] = roles.Output{
				Label: fmt.Sprintf("%s (the last %d characters; %d characters cut)", r.name, share[i], cut),
				Text:  string(r.text[cut:]),
			}
		default:
			out[i] = roles.Output{
				Label: fmt.Sprintf("%s (the first %d characters; %d characters cut)", r.name, share[i], cut),
				Text:  string(r.text[:share[i]]),
			}
		}
	}
	return out
}
