package roles

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/task"
)

// RepairPrompt asks the researcher to fix a candidate that failed
// evaluation, showing the error, the evaluator's feedback and the code.
// The reply is an edit of that code, in the researcher's usual form.
func RepairPrompt(desc task.Description, failed Node) []llm.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "You are fixing a candidate program for the task %q.\n", desc.Name)
	fmt.Fprintf(&b, "The candidate %q failed evaluation.\n\nError:\n%s\n", failed.Name, failed.Feedback)
	if failed.Motivation != "" {
		fmt.Fprintf(&b, "\nIts idea was: %s\n", failed.Motivation)
	}
	fmt.Fprintf(&b, "\nThe failing program:\n```%s\n%s\n```\n", desc.Language, failed.Code)
	b.WriteString("\nFix the error while keeping the idea. Answer with <name>, <motivation> and SEARCH/REPLACE blocks " +
		"in <diff>...</diff> against the failing program (or the whole program in <program>...</program>). " +
		"SEARCH text must be copied exactly and lie between the EVOLVE-BLOCK markers.")
	return []llm.Message{{Role: "user", Content: b.String()}}
}

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

// SameIdeaPrompt asks whether two programs implement the same idea.
func SameIdeaPrompt(candidate, twin string) []llm.Message {
	return []llm.Message{{Role: "user", Content: "Do these two programs implement the same idea, differing only in details " +
		"that would not change the outcome much? Answer yes or no.\n\nProgram A:\n```\n" + candidate +
		"\n```\n\nProgram B:\n```\n" + twin + "\n```\n"}}
}

// ParseSame reads a yes/no answer; anything but a leading "no" is yes, so
// an unclear answer keeps the duplicate check.
func ParseSame(reply string) bool {
	return !strings.HasPrefix(strings.ToLower(strings.TrimSpace(reply)), "no")
}

// DuplicatePrompt sends a researcher back once: its candidate is a near
// twin of a stored node. The reply is an edit of the parent, as usual.
func DuplicatePrompt(desc task.Description, parent Node, twin Node) []llm.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "You are improving a program for the task %q.\n", desc.Name)
	fmt.Fprintf(&b, "Your last proposal is nearly the same as an existing program (node %d, %q), so it would teach nothing new:\n```%s\n%s\n```\n",
		twin.ID, twin.Name, desc.Language, twin.Code)
	fmt.Fprintf(&b, "\nPropose a clearly different idea. The parent to edit:\n```%s\n%s\n```\n", desc.Language, parent.Code)
	b.WriteString("\nAnswer with <name>, <motivation> and SEARCH/REPLACE blocks in <diff>...</diff> against the parent " +
		"(or the whole program in <program>...</program>).")
	return []llm.Message{{Role: "user", Content: b.String()}}
}

// ManagerPrompt asks the manager to write, from the task statement, the
// guidance the researcher and the analyzer get for the whole campaign.
func ManagerPrompt(desc task.Description) []llm.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "You manage an automated research campaign on the task %q.\n\n%s\n\n", desc.Name, desc.Statement)
	fmt.Fprintf(&b, "The primary metric is %s (%s).\n\n", desc.Primary, desc.Direction)
	b.WriteString("A researcher model proposes edits of a program; an analyzer model explains each result. " +
		"Write the guidance each should follow on this task: the promising directions, the traps, what to measure. " +
		"Answer as <researcher>...</researcher> and <analyzer>...</analyzer>, each a few short paragraphs.")
	return []llm.Message{{Role: "user", Content: b.String()}}
}

var managerSection = regexp.MustCompile(`(?s)<(researcher|analyzer)>(.*?)</(researcher|analyzer)>`)

// ParseManager reads the manager's guidance for the researcher and the
// analyzer; a role it did not address gets "".
func ParseManager(reply string) (researcher, analyzer string) {
	for _, m := range managerSection.FindAllStringSubmatch(reply, -1) {
		if m[1] != m[3] {
			continue
		}
		if m[1] == "researcher" {
			researcher = strings.TrimSpace(m[2])
		} else {
			analyzer = strings.TrimSpace(m[2])
		}
	}
	return researcher, analyzer
}

// RecommendPrompt asks the manager for meta-recommendations from recent
// analyses: what the campaign should try next and stop trying.
func RecommendPrompt(desc task.Description, analyses []string) []llm.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "You manage an automated research campaign on the task %q (primary metric %s, %s).\n", desc.Name, desc.Primary, desc.Direction)
	b.WriteString("These are the analyses of its most recent experiments:\n\n")
	for i, a := range analyses {
		fmt.Fprintf(&b, "%d. %s\n", i+1, a)
	}
	b.WriteString("\nWrite at most five short recommendations for the next experiments: directions to pursue, directions to drop. One per line, starting with \"- \".")
	return []llm.Message{{Role: "user", Content: b.String()}}
}

// Guided returns desc with the manager's guidance and recommendations
// added to its statement, which every role's prompt shows.
func Guided(desc task.Description, guidance, recommendations string) task.Description {
	if guidance = strings.TrimSpace(guidance); guidance != "" {
		desc.Statement += "\n\n## Guidance from the research manager\n" + guidance
	}
	if recommendations = strings.TrimSpace(recommendations); recommendations != "" {
		desc.Statement += "\n\n## Current recommendations\n" + recommendations
	}
	return desc
}
