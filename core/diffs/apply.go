package diffs

import (
	"fmt"
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
// A block that cannot be applied stops the work with an *ApplyError naming
// the block and wrapping ErrNoMatch, ErrAmbiguousMatch,
// ErrOutsideEvolveBlock, ErrMarkerChanged or ErrMalformedBlock; nothing is
// returned half applied. Code whose markers do not pair up is an error
// wrapping ErrUnbalancedMarkers.
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
	regions, err := Regions(code)
	if err != nil {
		return "", fmt.Errorf("program: %w", err)
	}
	if len(regions) == 0 {
		regions = []Region{{Start: 0, End: len(code)}}
	}

	codeLines := splitLines(code)
	search := strings.Split(strings.TrimSuffix(b.Search, "\n"), "\n")
	first := quote(search[0])

	var inside, outside []int
	for _, equal := range []func(a, b string) bool{exactLine, looseLine} {
		inside, outside = matches(code, codeLines, search, regions, equal)
		if len(inside) > 0 {
			break
		}
	}
	switch {
	case len(inside) > 1:
		return "", fail(ErrAmbiguousMatch, "the SEARCH text (first line: %s) matches %d places in the EVOLVE-BLOCK regions, at program lines %s; include more surrounding lines so that it matches exactly once",
			first, len(inside), lineList(inside))
	case len(inside) == 0 && len(outside) > 0:
		return "", fail(ErrOutsideEvolveBlock, "the SEARCH text (first line: %s) matches only outside the EVOLVE-BLOCK regions, at program line %s; only lines between %s and %s may change",
			first, lineList(outside), StartMarker, EndMarker)
	case len(inside) == 0:
		return "", fail(ErrNoMatch, "the SEARCH text was not found in the program (first line: %s); %s",
			first, missingHint(code, codeLines, search))
	}

	k := inside[0]
	last := codeLines[k+len(search)-1]
	replace := b.Replace
	if replace != "" && !strings.HasSuffix(replace, "\n") {
		replace += "\n"
	}
	if last.next == last.end { // the match ends the code without a newline
		replace = strings.TrimSuffix(replace, "\n")
	}
	return code[:codeLines[k].start] + replace + code[last.next:], nil
}

func exactLine(a, b string) bool { return a == b }

func looseLine(a, b string) bool {
	return strings.TrimRight(a, " \t\r") == strings.TrimRight(b, " \t\r")
}

// matches returns the indexes of the code lines where search starts,
// split by whether the matched lines lie inside one region.
func matches(code string, codeLines []line, search []string, regions []Region, equal func(a, b string) bool) (inside, outside []int) {
	for k := 0; k+len(search) <= len(codeLines); k++ {
		ok := true
		for j, s := range search {
			l := codeLines[k+j]
			if !equal(code[l.start:l.end], s) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		start, end := codeLines[k].start, codeLines[k+len(search)-1].end
		in := false
		for _, r := range regions {
			if r.Start <= start && end <= r.End {
				in = true
				break
			}
		}
		if in {
			inside = append(inside, k)
		} else {
			outside = append(outside, k)
		}
	}
	return inside, outside
}

// listLimit bounds how many line numbers an error message lists.
const listLimit = 10

// lineList renders line indexes as 1-based line numbers, saying how many
// were left out when there are too many to list.
func lineList(idx []int) string {
	var parts []string
	for i, k := range idx {
		if i == listLimit {
			parts = append(parts, fmt.Sprintf("and %d more", len(idx)-listLimit))
			break
		}
		parts = append(parts, fmt.Sprint(k+1))
	}
	return strings.Join(parts, ", ")
}

// missingHint says which SEARCH line is the first that the program lacks,
// so the model can see where its copy went wrong.
func missingHint(code string, codeLines []line, search []string) string {
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
			return fmt.Sprintf("SEARCH line %d, %s, is at program line %d with different indentation; copy the lines exactly as they are in the program", j+1, quote(s), indentAt+1)
		}
		return fmt.Sprintf("SEARCH line %d, %s, is not in the program; copy the lines exactly as they are in the program", j+1, quote(s))
	}
	return "every SEARCH line is in the program, but not as one run of consecutive lines in this order; copy one contiguous stretch of the program"
}
