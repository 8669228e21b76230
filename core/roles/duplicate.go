package roles

import (
	"fmt"
	"strings"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/task"
)

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
