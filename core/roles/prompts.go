package roles

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/task"
)

// ResearcherFraming is the built-in framing of the researcher: the first
// line of the researcher prompt, and the text of variant 1 of an evolving
// prompt archive (the prompts block).
const ResearcherFraming = "You are the researcher of an automated research campaign. You improve a program step by step."

// FramedResearcherPrompt gives a researcher request the system prompt
// system: a system message before the rest, whose first user message then
// loses its own built-in framing line, the system prompt taking its place.
func FramedResearcherPrompt(system string, msgs []llm.Message) []llm.Message {
	out := make([]llm.Message, 0, len(msgs)+1)
	out = append(out, llm.Message{Role: "system", Content: system})
	for i, m := range msgs {
		if i == 0 && m.Role == "user" {
			m.Content = strings.TrimPrefix(m.Content, ResearcherFraming+"\n\n")
		}
		out = append(out, m)
	}
	return out
}

// PromptStanding is a variant of the researcher's system prompt with what
// its nodes earned, as a prompt-proposal request shows it.
type PromptStanding struct {
	Text       string
	Uses       int
	MeanCredit float64 // in [-1, 1]
}

// ProposePrompt asks a model for a new system prompt for the researcher,
// from the variants tried so far (best first) and the analyses of the
// best and the worst recent nodes.
func ProposePrompt(desc task.Description, variants []PromptStanding, best, worst string) []llm.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "You improve the system prompt of the researcher model of an automated research campaign on the task %q "+
		"(primary metric %s, %s). The researcher proposes one edit of a program per step; the prompt below frames how it works.\n\n",
		desc.Name, desc.Primary, desc.Direction)
	b.WriteString("# Prompts tried so far, best first\nEach one's credit is the mean score gain of the programs it produced over their parents, scaled to [-1, 1]; a failed program counts -1.\n")
	for i, v := range variants {
		fmt.Fprintf(&b, "\n## Prompt %d (used %d times, mean credit %+.3f)\n%s\n", i+1, v.Uses, v.MeanCredit, v.Text)
	}
	if best = strings.TrimSpace(best); best != "" {
		fmt.Fprintf(&b, "\n# Analysis of the best recent program\n%s\n", best)
	}
	if worst = strings.TrimSpace(worst); worst != "" {
		fmt.Fprintf(&b, "\n# Analysis of the worst recent program\n%s\n", worst)
	}
	b.WriteString("\nWrite one new system prompt that should make the researcher's edits better: keep what the best prompts say that works, " +
		"add what the analyses teach. Address the researcher as \"you\"; do not restate the task or the answer format, which it is given anyway. " +
		"Answer with the prompt alone between <prompt> and </prompt>.")
	return []llm.Message{{Role: "user", Content: b.String()}}
}

// MaxPromptVariant caps the length of a proposed system prompt, in bytes.
const MaxPromptVariant = 4000

var promptTag = regexp.MustCompile(`(?s)<prompt>(.*?)</prompt>`)

// ErrNoPrompt is returned by ParsePromptProposal for a reply that holds no
// usable prompt.
var ErrNoPrompt = errors.New("no <prompt>...</prompt> in the reply")

// ParsePromptProposal reads the new system prompt from a reply to
// ProposePrompt. A reply without exactly one non-empty <prompt> of at most
// MaxPromptVariant bytes is an error wrapping ErrNoPrompt.
func ParsePromptProposal(reply string) (string, error) {
	m := promptTag.FindAllStringSubmatch(reply, -1)
	switch {
	case len(m) == 0:
		return "", ErrNoPrompt
	case len(m) > 1:
		return "", fmt.Errorf("%w: the reply holds %d prompts, want one", ErrNoPrompt, len(m))
	}
	text := strings.TrimSpace(m[0][1])
	switch {
	case text == "":
		return "", fmt.Errorf("%w: the prompt is empty", ErrNoPrompt)
	case len(text) > MaxPromptVariant:
		return "", fmt.Errorf("%w: the prompt is %d bytes, more than %d", ErrNoPrompt, len(text), MaxPromptVariant)
	}
	return text, nil
}

// maxVariantSentences caps an offline variant: past it, the oldest
// sentences after the first are dropped.
const maxVariantSentences = 8

// OfflinePromptVariant writes a new system prompt without a model, by
// fixed rules, so a campaign without keys still evolves its prompts:
//
//  1. recombination: the sentences of parents[0] (the best variant), then
//     those of parents[1] (the runner-up, if any) it lacks, in order;
//  2. mutation: one lesson sentence, taken from the best analysis when
//     round is even and from the worst when it is odd (the other when the
//     chosen one is empty): its "Insight:" line, or else its first line,
//     as "What worked before: ..." or "Avoid what failed before: ...";
//  3. at most 8 sentences: past that the oldest after the first go.
//
// It returns "" when the result adds nothing to parents[0]. The result is
// a pure function of its arguments.
func OfflinePromptVariant(parents []string, best, worst string, round int) string {
	if len(parents) == 0 {
		return ""
	}
	sentences := splitSentences(parents[0])
	for _, p := range parents[1:] {
		for _, s := range splitSentences(p) {
			if !slices.Contains(sentences, s) {
				sentences = append(sentences, s)
			}
		}
	}
	lesson := func(analysis, lead string) string {
		s := lessonOf(analysis)
		if s == "" {
			return ""
		}
		return lead + s
	}
	worked, failed := lesson(best, "What worked before: "), lesson(worst, "Avoid what failed before: ")
	add := worked
	if round%2 == 1 && failed != "" || add == "" {
		add = failed
	}
	if add != "" && !slices.Contains(sentences, add) {
		sentences = append(sentences, add)
	}
	for len(sentences) > maxVariantSentences {
		sentences = slices.Delete(sentences, 1, 2)
	}
	text := strings.Join(sentences, " ")
	if text == strings.Join(splitSentences(parents[0]), " ") {
		return ""
	}
	return text
}

var sentenceEnd = regexp.MustCompile(`[.!?](\s+|$)`)

// splitSentences cuts text into trimmed sentences, each with its end mark.
func splitSentences(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		for line != "" {
			loc := sentenceEnd.FindStringIndex(line)
			if loc == nil {
				out = append(out, line+".")
				break
			}
			if s := strings.TrimSpace(line[:loc[0]+1]); s != "" {
				out = append(out, s)
			}
			line = strings.TrimSpace(line[loc[1]:])
		}
	}
	return out
}

// lessonOf is what an offline variant takes from an analysis: its
// Insight line, or else its first line, cut to 200 bytes.
func lessonOf(analysis string) string {
	s := insightLine(analysis)
	if s == "" {
		s = firstLine(analysis)
	}
	s = strings.TrimRight(strings.TrimSpace(s), ".!?")
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "")
	}
	if s == "" {
		return ""
	}
	return s + "."
}
