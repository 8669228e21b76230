package roles

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/task"
)

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
