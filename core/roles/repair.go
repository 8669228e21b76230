package roles

import (
	"fmt"
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
