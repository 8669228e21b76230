package diffs

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/asi-evolve/asi/sdk/bundle"
)

// layout is where the files of a program lie; secs is nil for a program of
// one file, which keeps every message and rule of a single file unchanged.
type layout struct {
	secs []bundle.Section
}

// layoutOf reads the file headers of code. Headers that repeat a path or
// name an invalid one are an error wrapping ErrFileHeader.
func layoutOf(code string) (layout, error) {
	secs, err := bundle.Sections(code)
	if err != nil {
		return layout{}, fmt.Errorf("%w: %w", ErrFileHeader, err)
	}
	return layout{secs: secs}, nil
}

// paths lists the files in order.
func (l layout) paths() []string {
	out := make([]string, len(l.secs))
	for i, s := range l.secs {
		out[i] = s.Path
	}
	return out
}

// index returns the section named path, or -1.
func (l layout) index(path string) int {
	path = strings.TrimPrefix(path, "./")
	for i, s := range l.secs {
		if s.Path == path {
			return i
		}
	}
	return -1
}

// fileAt returns the section holding the byte at offset, or -1 when offset
// lies on a header line (or the program is one file).
func (l layout) fileAt(offset int) int {
	for i, s := range l.secs {
		if s.Start <= offset && offset < s.End {
			return i
		}
	}
	return -1
}

// fileOfLine returns the section holding 1-based line lineNo and the line
// within that file, or -1 when the line is a header or before the first.
func (l layout) fileOfLine(lineNo int) (int, int) {
	i := sort.Search(len(l.secs), func(i int) bool { return l.secs[i].HeaderLine >= lineNo })
	if i == 0 || i < len(l.secs) && l.secs[i].HeaderLine == lineNo {
		return -1, 0
	}
	return i - 1, lineNo - l.secs[i-1].HeaderLine
}

// where renders a 1-based program line number, adding the file and the
// line within it for a program of several files: "12 (train.py line 3)".
func (l layout) where(lineNo int) string {
	if l.secs == nil {
		return fmt.Sprint(lineNo)
	}
	k, inFile := l.fileOfLine(lineNo)
	if k < 0 {
		return fmt.Sprintf("%d (a file header)", lineNo)
	}
	return fmt.Sprintf("%d (%s line %d)", lineNo, l.secs[k].Path, inFile)
}

// isHeader reports whether one line, without its "\n", is a file header.
func isHeader(text string) bool {
	return bundle.IsBundle(strings.TrimSuffix(text, "\r"))
}

// editable lists the files that hold one of regions, in order.
func (l layout) editable(regions []Region) []string {
	var out []string
	for _, r := range regions {
		if k := l.fileAt(r.Start); k >= 0 && !slices.Contains(out, l.secs[k].Path) {
			out = append(out, l.secs[k].Path)
		}
	}
	return out
}

// spansFiles reports whether matches lie in more than one file.
func (l layout) spansFiles(ms []match) bool {
	for _, m := range ms[1:] {
		if l.fileAt(m.start) != l.fileAt(ms[0].start) {
			return true
		}
	}
	return false
}
