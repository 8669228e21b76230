package roles

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/task"
)

// DefaultRubric is what the judge scores when the campaign gives no rubric.
const DefaultRubric = `Score the design from 0 to 10 on each criterion:
- novelty: how far the idea goes beyond a routine tweak of its parent;
- soundness: whether the reasoning and the code are correct and robust;
- complexity: 10 for the simplest program that does the job, 0 for needless complexity.`

// JudgePrompt asks the judge to score a candidate's design with a rubric.
// The judge answers one "criterion: score" line per criterion.
func JudgePrompt(desc task.Description, node Node, rubric string) []llm.Message {
	if strings.TrimSpace(rubric) == "" {
		rubric = DefaultRubric
	}
	var b strings.Builder
	fmt.Fprintf(&b, "You review candidate programs for the task %q.\n\n%s\n\n", desc.Name, rubric)
	fmt.Fprintf(&b, "Candidate %q.\nIdea: %s\n", node.Name, node.Motivation)
	fmt.Fprintf(&b, "Measured %s = %.6g.\n\n```%s\n%s\n```\n", desc.Primary, node.Score, desc.Language, node.Code)
	b.WriteString("\nAnswer with one line per criterion, as `criterion: score` with a score from 0 to 10, and nothing else.")
	return []llm.Message{{Role: "user", Content: b.String()}}
}

var judgementLine = regexp.MustCompile(`(?m)^\s*[-*]?\s*([A-Za-z][A-Za-z _-]*?)\s*[:=]\s*(\d+(?:\.\d+)?)\s*(?:/\s*10)?\s*$`)

// ParseJudgement reads a judge's reply: the mean of its "criterion: score"
// lines (scores 0 to 10), scaled to [0, 1].
func ParseJudgement(reply string) (float64, error) {
	var sum float64
	var n int
	for _, m := range judgementLine.FindAllStringSubmatch(reply, -1) {
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil || v < 0 || v > 10 {
			continue
		}
		sum += v
		n++
	}
	if n == 0 {
		return 0, fmt.Errorf("judge reply %q: %w", firstLine(reply), ErrNoJudgement)
	}
	return sum / float64(n) / 10, nil
}
