package diffs

import (
	"fmt"
	"slices"
	"strings"
)

// Apply applies blocks to code in order, each to the result of the ones
// before it, and returns the edited code.
//
// A SEARCH text matches whole lines. It must match exactly one place inside
// the EVOLVE-BLOCK regions; when it matches nowhere byte for byte, a second
// try compares lines with their trailing whitespace ignored. Code without
// markers is editable everywhere. A REPLACE text may not hold a marker, so
// an applied edit never changes the text outside the regions.
//
// In a program of several files (see package bundle) a block whose File is
// set matches only inside that file; one without File searches every file
// and must still match once. Header lines never change: a program without
// markers is editable everywhere but on its headers, and neither SEARCH nor
// REPLACE may hold a header. In a program of one file File is ignored, and
// a REPLACE text holding a header line is refused all the same, since it
// would turn the program into several files.
//
// A block that cannot be applied stops the work with an *ApplyError naming
// the block and wrapping ErrNoMatch, ErrAmbiguousMatch,
// ErrOutsideEvolveBlock, ErrMarkerChanged, ErrMalformedBlock, ErrUnknownFile
// or ErrFileHeader; nothing is returned half applied. Code whose markers do
// not pair up is an error wrapping ErrUnbalancedMarkers, and code whose
// headers repeat a path one wrapping ErrFileHeader.
func Apply(code string, blocks []Block) (string, error) {
	for i, b := range blocks {
		var err error
		if code, err = applyBlock(code, i+1, b); err != nil {
			return "", err
		}
	}
	return code, nil
}

// applyBlock applies one block; index counts from 1.
func applyBlock(code string, index int, b Block) (string, error) {
	fail := func(err error, format string, args ...any) error {
		return &ApplyError{Block: index, Reason: fmt.Sprintf(format, args...), Err: err}
	}
	if strings.TrimSpace(b.Search) == "" {
		return "", fail(ErrMalformedBlock, "the SEARCH text is empty; quote the exact lines to replace")
	}
	if hasMarker(b.Replace) {
		return "", fail(ErrMarkerChanged, "the REPLACE text contains an EVOLVE-BLOCK marker; markers may not be added, removed or moved")
	}
	if j, h := headerIn(b.Replace); j > 0 {
		return "", fail(ErrFileHeader, "REPLACE line %d, %s, is a file header line; file headers may not be added, removed or changed", j, quote(h))
	}
	files, err := layoutOf(code)
	if err != nil {
		return "", fmt.Errorf("program: %w", err)
	}
	regions, err := regionsIn(code, files)
	if err != nil {
		return "", fmt.Errorf("program: %w", err)
	}
	if files.secs != nil {
		if j, h := headerIn(b.Search); j > 0 {
			return "", fail(ErrFileHeader, "SEARCH line %d, %s, is a file header line, which may not change; put the line %s just before <<<<<<< SEARCH and quote only lines of that file",
				j, quote(h), quote("File: PATH"))
		}
	}
	if len(regions) == 0 {
		regions = []Region{{Start: 0, End: len(code)}}
		if files.secs != nil {
			regions = regions[:0]
			for _, s := range files.secs {
				regions = append(regions, Region{Start: s.Start, End: s.End})
			}
		}
	}
	target := -1 // the section b.File names
	if b.File != "" && files.secs != nil {
		if target = files.index(b.File); target < 0 {
			return "", fail(ErrUnknownFile, "the program has no file %s; its files are %s; name one of them in the File: line before <<<<<<< SEARCH",
				quote(b.File), strings.Join(files.paths(), ", "))
		}
		editable := files.editable(regions)
		regions = slices.DeleteFunc(regions, func(r Region) bool { return files.fileAt(r.Start) != target })
		if !slices.Contains(editable, files.secs[target].Path) {
			return "", fail(ErrOutsideEvolveBlock, "%s has no EVOLVE-BLOCK region, so none of its lines may change; the files that may change are %s",
				files.secs[target].Path, strings.Join(editable, ", "))
		}
	}

	searchText := strings.TrimSuffix(b.Search, "\n")
	search := strings.Split(searchText, "\n")
	first := func() string { return quote(search[0]) } // for the messages only

	// place splits matches into those inside the regions (of the target
	// file), those outside, and those in other files, which count for the
	// hint only.
	place := func(all []match) (inside, outside, elsewhere []match) {
		inside, outside = byRegion(all, regions)
		if target >= 0 {
			inTarget := func(m match) bool { return files.fileAt(m.start) == target }
			elsewhere = slices.DeleteFunc(slices.Clone(outside), inTarget)
			outside = slices.DeleteFunc(outside, func(m match) bool { return !inTarget(m) })
		}
		return inside, outside, elsewhere
	}
	// Byte for byte first, with one search of the whole code; then line by
	// line with trailing whitespace ignored.
	inside, outside, elsewhere := place(exactMatches(code, searchText, search[len(search)-1] == ""))
	var codeLines []line
	if len(inside) == 0 {
		codeLines = splitLines(code)
		inside, outside, elsewhere = place(matches(code, codeLines, search, looseLine))
	}
	switch {
	case len(inside) > 1 && target < 0 && files.spansFiles(inside):
		return "", fail(ErrAmbiguousMatch, "the SEARCH text (first line: %s) matches %d places in several files, at program lines %s; put the line %s just before <<<<<<< SEARCH to name the file it edits",
			first(), len(inside), files.lineList(inside), quote("File: PATH"))
	case len(inside) > 1:
		return "", fail(ErrAmbiguousMatch, "the SEARCH text (first line: %s) matches %d places in the EVOLVE-BLOCK regions, at program lines %s; include more surrounding lines so that it matches exactly once",
			first(), len(inside), files.lineList(inside))
	case len(inside) == 0 && len(outside) > 0:
		return "", fail(ErrOutsideEvolveBlock, "the SEARCH text (first line: %s) matches only outside the EVOLVE-BLOCK regions, at program line %s; only lines between %s and %s may change",
			first(), files.lineList(outside), StartMarker, EndMarker)
	case len(inside) == 0 && len(elsewhere) > 0:
		return "", fail(ErrNoMatch, "the SEARCH text (first line: %s) is not in %s but is at program line %s; name that file in the File: line",
			first(), files.secs[target].Path, files.lineList(elsewhere))
	case len(inside) == 0:
		return "", fail(ErrNoMatch, "the SEARCH text was not found in the program (first line: %s); %s",
			first(), missingHint(code, codeLines, search, files))
	}

	m := inside[0]
	next := len(code) // after the match and its final "\n"
	if m.end < len(code) {
		next = m.end + 1
	}
	replace := b.Replace
	if replace != "" && !strings.HasSuffix(replace, "\n") {
		replace += "\n"
	}
	if m.end == len(code) { // the match ends the code without a newline
		replace = strings.TrimSuffix(replace, "\n")
	}
	edited := code[:m.start] + replace + code[next:]
	if files.secs == nil && isHeader(firstLineOf(edited)) {
		// Deleting the first lines bared a header-like line.
		return "", fail(ErrFileHeader, "the edit leaves %s as the first line, which reads as a file header and would make the program several files",
			quote(firstLineOf(edited)))
	}
	return edited, nil
}

func firstLineOf(text string) string {
	first, _, _ := strings.Cut(text, "\n")
	return first
}

// headerIn returns the first line of text that is a file header, counting
// from 1, or 0.
func headerIn(text string) (int, string) {
	for j := 1; ; j++ {
		l, rest, more := strings.Cut(text, "\n")
		if isHeader(l) {
			return j, l
		}
		if !more {
			return 0, ""
		}
		text = rest
	}
}

func looseLine(a, b string) bool {
	return strings.TrimRight(a, " \t\r") == strings.TrimRight(b, " \t\r")
}

// match is one place a SEARCH text matches: code lines [line, line+n),
// bytes [start, end), end being the end of its last line before any "\n".
type match struct{ line, start, end int }

// exactMatches returns the places where the SEARCH lines, joined by "\n"
// into text, equal whole code lines byte for byte: as matches with
// exactLine finds them, but searching the whole code at once. lastEmpty
// says the last SEARCH line is empty, and so must be a code line of its
// own, not the nothing after a final "\n".
func exactMatches(code, text string, lastEmpty bool) []match {
	var out []match
	line, counted := 0, 0 // line counts the "\n" in code[:counted]
	for from := 0; ; {
		i := strings.Index(code[from:], text)
		if i < 0 {
			return out
		}
		start := from + i
		end := start + len(text)
		from = start + 1
		if start > 0 && code[start-1] != '\n' {
			continue
		}
		if end < len(code) && code[end] != '\n' || end == len(code) && lastEmpty {
			continue
		}
		line += strings.Count(code[counted:start], "\n")
		counted = start
		out = append(out, match{line: line, start: start, end: end})
	}
}

// matches returns the places where search starts at a code line, comparing
// lines with equal.
func matches(code string, codeLines []line, search []string, equal func(a, b string) bool) []match {
	var out []match
	for k := 0; k+len(search) <= len(codeLines); k++ {
		ok := true
		for j, s := range search {
			l := codeLines[k+j]
			if !equal(code[l.start:l.end], s) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, match{line: k, start: codeLines[k].start, end: codeLines[k+len(search)-1].end})
		}
	}
	return out
}

// byRegion splits matches by whether they lie inside one region.
func byRegion(all []match, regions []Region) (inside, outside []match) {
	for _, m := range all {
		in := false
		for _, r := range regions {
			if r.Start <= m.start && m.end <= r.End {
				in = true
				break
			}
		}
		if in {
			inside = append(inside, m)
		} else {
			outside = append(outside, m)
		}
	}
	return inside, outside
}

// listLimit bounds how many line numbers an error message lists.
const listLimit = 10

// lineList renders the first lines of matches as 1-based line numbers,
// with their file in a program of several files, saying how many were left
// out when there are too many to list.
func (l layout) lineList(ms []match) string {
	var parts []string
	for i, m := range ms {
		if i == listLimit {
			parts = append(parts, fmt.Sprintf("and %d more", len(ms)-listLimit))
			break
		}
		parts = append(parts, l.where(m.line+1))
	}
	return strings.Join(parts, ", ")
}

// missingHint says which SEARCH line is the first that the program, cut
// into codeLines, lacks, so the model can see where its copy went wrong.
func missingHint(code string, codeLines []line, search []string, files layout) string {
	for j, s := range search {
		found, indentAt := false, -1
		for i, l := range codeLines {
			text := code[l.start:l.end]
			if looseLine(text, s) {
				found = true
				break
			}
			if indentAt < 0 && strings.TrimSpace(s) != "" && strings.TrimSpace(text) == strings.TrimSpace(s) {
				indentAt = i
			}
		}
		if found {
			continue
		}
		if indentAt >= 0 {
			return fmt.Sprintf("SEARCH line %d, %s, is at program line %s with different indentation; copy the lines exactly as they are in the program", j+1, quote(s), files.where(indentAt+1))
		}
		return fmt.Sprintf("SEARCH line %d, %s, is not in the program; copy the lines exactly as they are in the program", j+1, quote(s))
	}
	return "every SEARCH line is in the program, but not as one run of consecutive lines in this order; copy one contiguous stretch of the program"
}
