package dashboard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/asi-evolve/asi/sdk/bundle"
)

// diffLine is one line of a unified diff. Op is " " (context), "-"
// (only in the parent), "+" (only in the node) or "@" (a hunk header in
// Text). Old and New are 1-based line numbers, 0 where absent.
//
// For programs of several files the diff is per file: File names the file
// of each line, line numbers count from the file's start, and each file
// opens with an "@" line whose Change is added, removed, changed or
// unchanged (an unchanged file is that one line). File and Change are
// absent for a program of one file, so older pages read hunks as before.
type diffLine struct {
	Op     string `json:"op"`
	Text   string `json:"text"`
	Old    int    `json:"old"`
	New    int    `json:"new"`
	File   string `json:"file,omitempty"`
	Change string `json:"change,omitempty"`
}

// File changes, in diffLine.Change.
const (
	fileAdded     = "added"
	fileRemoved   = "removed"
	fileChanged   = "changed"
	fileUnchanged = "unchanged"
)

// lineDiff compares two programs line by line, keeping context lines of
// context around each change; per file when either is a program of
// several files (see diffLine). It returns nothing for equal programs.
func lineDiff(parent, node string, context int) []diffLine {
	if parent == node {
		return []diffLine{}
	}
	if out, ok := fileDiff(parent, node, context); ok {
		return out
	}
	return textDiff(parent, node, context)
}

// fileDiff diffs file by file, in the node's order then the files only
// the parent has. ok is false, for a whole-text diff instead, unless both
// programs split into named files (a missing parent has none).
func fileDiff(parent, node string, context int) (out []diffLine, ok bool) {
	if !bundle.IsBundle(node) && !bundle.IsBundle(parent) {
		return nil, false
	}
	pf, err := namedFiles(parent)
	if err != nil {
		return nil, false
	}
	nf, err := namedFiles(node)
	if err != nil {
		return nil, false
	}
	old := make(map[string]string, len(pf))
	for _, f := range pf {
		old[f.Path] = f.Content
	}
	out = []diffLine{}
	head := func(path, change string, lines int) {
		text := path + " — " + change
		if change != fileChanged {
			unit := "lines"
			if lines == 1 {
				unit = "line"
			}
			text += fmt.Sprintf(" (%d %s)", lines, unit)
		}
		out = append(out, diffLine{Op: "@", Text: text, File: path, Change: change})
	}
	body := func(path, a, b string) {
		for _, l := range textDiff(a, b, context) {
			l.File = path
			out = append(out, l)
		}
	}
	for _, f := range nf {
		was, had := old[f.Path]
		switch {
		case !had:
			head(f.Path, fileAdded, len(splitLines(f.Content)))
			body(f.Path, "", f.Content)
		case was == f.Content:
			head(f.Path, fileUnchanged, len(splitLines(f.Content)))
		default:
			head(f.Path, fileChanged, 0)
			body(f.Path, was, f.Content)
		}
		delete(old, f.Path)
	}
	for _, f := range pf {
		if _, gone := old[f.Path]; gone {
			head(f.Path, fileRemoved, len(splitLines(f.Content)))
			body(f.Path, f.Content, "")
		}
	}
	return out, true
}

// namedFiles splits a program of several files; an empty program has no
// file, and one of one file (no path to name it by) is an error.
func namedFiles(code string) ([]bundle.File, error) {
	if code == "" {
		return nil, nil
	}
	if !bundle.IsBundle(code) {
		return nil, fmt.Errorf("a program of one file")
	}
	return bundle.Split(code)
}

// textDiff is the unified diff of two texts.
func textDiff(parent, node string, context int) []diffLine {
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
