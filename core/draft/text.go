package draft

import "strings"

func joinLines(lines []string) string { return strings.Join(lines, "\n") }

func indent(text, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n"+prefix)
}

func firstLine(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	return line
}

func lastLine(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// lastLines is the last n lines of text, "..." first when some were cut.
func lastLines(text string, n int) string {
	lines := strings.Split(text, "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// lastMatching is the last line of text holding one of words.
func lastMatching(text string, words ...string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		for _, w := range words {
			if strings.Contains(lines[i], w) {
				return strings.TrimSpace(lines[i])
			}
		}
	}
	return lastLine(text)
}
