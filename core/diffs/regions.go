package diffs

import (
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"

	"github.com/asi-evolve/asi/sdk/bundle"
)

// Marker texts. A line containing one of them is a marker line, whatever
// comment syntax surrounds it.
const (
	StartMarker = "EVOLVE-BLOCK-START"
	EndMarker   = "EVOLVE-BLOCK-END"
)

// Region is the editable text of one EVOLVE-BLOCK: code[Start:End] runs from
// the first byte after the START marker line to the first byte of the END
// marker line, so it always holds whole lines and never a marker.
type Region struct {
	Start, End int
}

// Regions returns the EVOLVE-BLOCK regions of code in order. Code without
// any marker has no regions, and callers treat it as editable everywhere.
// Markers that do not pair up (an END without a START, a START inside a
// region, a region never closed, both markers on one line) are an error
// wrapping ErrUnbalancedMarkers. In a program of several files a region
// lies inside one file: a START whose END is in a later file is never
// closed. Headers that repeat a path are an error wrapping ErrFileHeader.
func Regions(code string) ([]Region, error) {
	l, err := layoutOf(code)
	if err != nil {
		return nil, err
	}
	return regionsIn(code, l)
}

// markerStem begins both markers. It cannot overlap itself, so searching
// the whole text for it finds every marker.
const markerStem = "EVOLVE-BLOCK-"

// regionsIn is Regions for code whose files l lays out. It visits only the
// lines holding a marker and the header lines, in line order: searching the
// whole text for the markers once is much faster than searching each line.
func regionsIn(code string, l layout) ([]Region, error) {
	var (
		regions    []Region
		open       = false
		openLine   int
		openStart  int
		nextHeader = 0 // index in l.secs of the next header line
	)
	// passHeaders passes the header lines before line lineNo; a region open
	// at one would cross into the next file.
	passHeaders := func(lineNo int) error {
		for ; nextHeader < len(l.secs) && l.secs[nextHeader].HeaderLine < lineNo; nextHeader++ {
			if open {
				return fmt.Errorf("line %s: %w: %s never closed by %s in %s; a region may not cross into %s",
					l.where(openLine), ErrUnbalancedMarkers, StartMarker, EndMarker, l.secs[nextHeader-1].Path, l.secs[nextHeader].Path)
			}
		}
		return nil
	}
	lineNo := 1 // of the line starting at from
	for from := 0; ; {
		k := strings.Index(code[from:], markerStem)
		if k < 0 {
			break
		}
		before := code[from : from+k]
		lineNo += strings.Count(before, "\n")
		ln := line{start: from + strings.LastIndexByte(before, '\n') + 1, end: len(code), next: len(code)}
		if j := strings.IndexByte(code[from+k:], '\n'); j >= 0 {
			ln.end, ln.next = from+k+j, from+k+j+1
		}
		from = ln.next
		if err := passHeaders(lineNo + 1); err != nil {
			return nil, err
		}
		isHeader := nextHeader > 0 && l.secs[nextHeader-1].HeaderLine == lineNo
		text := code[ln.start:ln.end]
		hasStart := !isHeader && strings.Contains(text, StartMarker)
		hasEnd := !isHeader && strings.Contains(text, EndMarker)
		switch {
		case hasStart && hasEnd:
			return nil, fmt.Errorf("line %s: %w: %s and %s on one line", l.where(lineNo), ErrUnbalancedMarkers, StartMarker, EndMarker)
		case hasStart && open:
			return nil, fmt.Errorf("line %s: %w: %s inside the region opened at line %d", l.where(lineNo), ErrUnbalancedMarkers, StartMarker, openLine)
		case hasStart:
			open, openLine, openStart = true, lineNo, ln.next
		case hasEnd && !open:
			return nil, fmt.Errorf("line %s: %w: %s without a %s before it", l.where(lineNo), ErrUnbalancedMarkers, EndMarker, StartMarker)
		case hasEnd:
			regions = append(regions, Region{Start: openStart, End: ln.start})
			open = false
		}
		lineNo++
	}
	if err := passHeaders(math.MaxInt); err != nil {
		return nil, err
	}
	if open {
		return nil, fmt.Errorf("line %s: %w: %s never closed by %s", l.where(openLine), ErrUnbalancedMarkers, StartMarker, EndMarker)
	}
	return regions, nil
}

// CheckRewrite reports whether rewrite, a full new version of program old,
// changes only the text inside old's EVOLVE-BLOCK regions. The text outside
// the regions, marker lines included, must be identical, line for line; the
// only difference allowed there is a missing or added newline at the very
// end of the program. When old has no markers everything is editable and any
// rewrite passes. A violation is a *RewriteError naming the first outside
// line that differs; markers in old that do not pair up are an error
// wrapping ErrUnbalancedMarkers. When old is a program of several files,
// rewrite must hold the same files, by the same header lines in the same
// order, or the *RewriteError wraps ErrFileHeader.
func CheckRewrite(old, rewrite string) error {
	files, err := layoutOf(old)
	if err != nil {
		return fmt.Errorf("parent program: %w", err)
	}
	if files.secs != nil {
		if err := checkFiles(files, rewrite); err != nil {
			return err
		}
	}
	oldRegions, err := Regions(old)
	if err != nil {
		return fmt.Errorf("parent program: %w", err)
	}
	if len(oldRegions) == 0 {
		return nil
	}
	newRegions, err := Regions(rewrite)
	if err != nil {
		return &RewriteError{Reason: err.Error() + "; keep every marker line of the parent exactly as it is", Err: err}
	}
	if len(newRegions) != len(oldRegions) {
		return &RewriteError{
			Reason: fmt.Sprintf("the rewrite has %d EVOLVE-BLOCK regions, the parent has %d; keep every marker line of the parent exactly as it is",
				len(newRegions), len(oldRegions)),
			Err: ErrMarkerChanged,
		}
	}
	oldOut, newOut := outside(old, oldRegions), outside(rewrite, newRegions)
	for j := range oldOut {
		o, n := oldOut[j], newOut[j]
		if j == len(oldOut)-1 {
			o.text, n.text = strings.TrimSuffix(o.text, "\n"), strings.TrimSuffix(n.text, "\n")
		}
		if o.text == n.text {
			continue
		}
		err := firstDifference(o, n)
		if rerr, ok := err.(*RewriteError); ok && files.secs != nil {
			// Name the file too: a model edits files, not one long text.
			if got, lerr := layoutOf(rewrite); lerr == nil {
				if k, inFile := got.fileOfLine(rerr.Line); k >= 0 {
					rerr.Reason = fmt.Sprintf("in %s line %d: %s", got.secs[k].Path, inFile, rerr.Reason)
				}
			}
		}
		return err
	}
	return nil
}

// checkFiles reports whether rewrite holds the files of the parent laid
// out by files, by the same header lines in the same order.
func checkFiles(files layout, rewrite string) error {
	want := files.paths()
	fail := func(line int, reason string) error {
		return &RewriteError{
			Line: line,
			Reason: fmt.Sprintf("%s; give all %d files, in this order, each beginning with its header line %s: %s",
				reason, len(want), quote(bundle.Header("PATH")), strings.Join(want, ", ")),
			Err: ErrFileHeader,
		}
	}
	if first := firstLineOf(rewrite); !isHeader(first) {
		return fail(1, fmt.Sprintf("the rewrite begins with %s, not with the header line of its first file", quote(first)))
	}
	got, err := layoutOf(rewrite)
	if err != nil {
		return fail(0, err.Error())
	}
	have := got.paths()
	if slices.Equal(want, have) {
		return nil
	}
	var parts []string
	if missing := without(want, have); len(missing) > 0 {
		parts = append(parts, "lacks "+strings.Join(missing, ", "))
	}
	if extra := without(have, want); len(extra) > 0 {
		parts = append(parts, "has "+strings.Join(extra, ", ")+", which the parent does not")
	}
	if len(parts) == 0 {
		parts = append(parts, "has the files in the order "+strings.Join(have, ", "))
	}
	return fail(0, "the rewrite "+strings.Join(parts, " and "))
}

// without returns the items of a that are not in b, in order.
func without(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// segment is a stretch of text outside the regions and the number of its
// first line in the whole program, counting from 1.
type segment struct {
	text string
	line int
}

// outside returns the len(regions)+1 stretches of code around the regions.
func outside(code string, regions []Region) []segment {
	segs := make([]segment, 0, len(regions)+1)
	from := 0
	for _, r := range append(regions, Region{Start: len(code)}) {
		segs = append(segs, segment{text: code[from:r.Start], line: 1 + strings.Count(code[:from], "\n")})
		from = r.End
	}
	return segs
}

// firstDifference builds the error for two outside segments that differ.
// One line missing or added is reported as such; anything else as a change.
func firstDifference(o, n segment) error {
	oldLines, newLines := strings.Split(o.text, "\n"), strings.Split(n.text, "\n")
	i := 0
	for i < len(oldLines) && i < len(newLines) && oldLines[i] == newLines[i] {
		i++
	}
	missing := func() error {
		return &RewriteError{
			Line:   n.line + i,
			Reason: fmt.Sprintf("the parent's line %s belongs here, outside the EVOLVE-BLOCK regions, and is missing from the rewrite", quote(oldLines[i])),
			Err:    outsideErr(oldLines[i]),
		}
	}
	added := func() error {
		return &RewriteError{
			Line:   n.line + i,
			Reason: fmt.Sprintf("%s is outside the EVOLVE-BLOCK regions and is not in the parent; only lines between %s and %s may change", quote(newLines[i]), StartMarker, EndMarker),
			Err:    outsideErr(newLines[i]),
		}
	}
	switch {
	case i >= len(newLines):
		return missing()
	case i >= len(oldLines):
		return added()
	case i+1 < len(oldLines) && oldLines[i+1] == newLines[i]:
		return missing()
	case i+1 < len(newLines) && newLines[i+1] == oldLines[i]:
		return added()
	}
	err := ErrOutsideEvolveBlock
	if hasMarker(oldLines[i]) || hasMarker(newLines[i]) {
		err = ErrMarkerChanged
	}
	return &RewriteError{
		Line: n.line + i,
		Reason: fmt.Sprintf("outside the EVOLVE-BLOCK regions the parent has %s but the rewrite has %s; only lines between %s and %s may change",
			quote(oldLines[i]), quote(newLines[i]), StartMarker, EndMarker),
		Err: err,
	}
}

// outsideErr says whether a difference touches a marker line.
func outsideErr(text string) error {
	if hasMarker(text) {
		return ErrMarkerChanged
	}
	return ErrOutsideEvolveBlock
}

func hasMarker(text string) bool {
	return strings.Contains(text, StartMarker) || strings.Contains(text, EndMarker)
}

// line is one line of a text: text[start:end] without its "\n"; next is the
// offset of the following line (end+1, or len(text) for the last line).
type line struct {
	start, end, next int
}

// splitLines cuts text into lines. A final "\n" does not start an empty line.
func splitLines(text string) []line {
	var lines []line
	for _, ln := range eachLine(text) {
		lines = append(lines, ln)
	}
	return lines
}

// eachLine yields the lines of text with their index, as splitLines cuts
// them, without building a slice: Regions runs on every step's parent.
func eachLine(text string) iter.Seq2[int, line] {
	return func(yield func(int, line) bool) {
		for i, start := 0, 0; start < len(text); i++ {
			ln := line{start: start, end: len(text), next: len(text)}
			if j := strings.IndexByte(text[start:], '\n'); j >= 0 {
				ln.end, ln.next = start+j, start+j+1
			}
			if !yield(i, ln) {
				return
			}
			start = ln.next
		}
	}
}

// quoteLimit bounds how much of one line an error message quotes.
const quoteLimit = 200

// quote renders a line for an error message. A long line is shortened, and
// the message says so and gives the full length.
func quote(s string) string {
	if len(s) <= quoteLimit {
		return fmt.Sprintf("%q", s)
	}
	cut := quoteLimit
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q... (shortened here; the line has %d bytes)", s[:cut], len(s))
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
