package dashboard

import (
	"strconv"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// diffLine is one line of a unified diff. Op is " " (context), "-"
// (only in the parent), "+" (only in the node) or "@" (a hunk header in
// Text). Old and New are 1-based line numbers, 0 where absent.
type diffLine struct {
	Op   string `json:"op"`
	Text string `json:"text"`
	Old  int    `json:"old"`
	New  int    `json:"new"`
}

// lineDiff compares two programs line by line, keeping context lines of
// context around each change. It returns nothing for equal programs.
func lineDiff(parent, node string, context int) []diffLine {
	a, b := splitLines(parent), splitLines(node)
	m := difflib.NewMatcher(a, b)
	out := []diffLine{}
	for _, group := range m.GetGroupedOpCodes(context) {
		first, last := group[0], group[len(group)-1]
		out = append(out, diffLine{Op: "@", Text: hunkHeader(first.I1, last.I2, first.J1, last.J2)})
		for _, op := range group {
			switch op.Tag {
			case 'e':
				for k := 0; k < op.I2-op.I1; k++ {
					out = append(out, diffLine{Op: " ", Text: trim(a[op.I1+k]), Old: op.I1 + k + 1, New: op.J1 + k + 1})
				}
			case 'r', 'd', 'i':
				for i := op.I1; i < op.I2; i++ {
					out = append(out, diffLine{Op: "-", Text: trim(a[i]), Old: i + 1})
				}
				for j := op.J1; j < op.J2; j++ {
					out = append(out, diffLine{Op: "+", Text: trim(b[j]), New: j + 1})
				}
			}
		}
	}
	return out
}

func hunkHeader(i1, i2, j1, j2 int) string {
	return "@@ -" + span(i1, i2) + " +" + span(j1, j2) + " @@"
}

func span(start, end int) string {
	n := end - start
	if n == 0 {
		return itoa(start) + ",0"
	}
	return itoa(start+1) + "," + itoa(n)
}

func itoa(n int) string { return strconv.Itoa(n) }

// splitLines splits after each newline; a final line without one counts.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func trim(line string) string {
	if n := len(line); n > 0 && line[n-1] == '\n' {
		return line[:n-1]
	}
	return line
}
