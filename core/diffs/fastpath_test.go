package diffs

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Regions, Apply and ParseBlocks take shortcuts: Regions searches the whole
// text for the markers, Apply matches a SEARCH text byte for byte with one
// search of the whole program, and the marker lines are told apart by
// their first character before a pattern runs. These tests hold each
// shortcut to the plain line-by-line reading it replaced, kept here.

// regionsByLine is Regions read line by line, each line searched for both
// markers.
func regionsByLine(code string) ([]Region, error) {
	l, err := layoutOf(code)
	if err != nil {
		return nil, err
	}
	var (
		regions    []Region
		open       = false
		openLine   int
		openStart  int
		nextHeader = 0
	)
	for i, ln := range eachLine(code) {
		if nextHeader < len(l.secs) && l.secs[nextHeader].HeaderLine == i+1 {
			if open {
				return nil, fmt.Errorf("line %s: %w: %s never closed by %s in %s; a region may not cross into %s",
					l.where(openLine), ErrUnbalancedMarkers, StartMarker, EndMarker, l.secs[nextHeader-1].Path, l.secs[nextHeader].Path)
			}
			nextHeader++
			continue
		}
		text := code[ln.start:ln.end]
		hasStart := strings.Contains(text, StartMarker)
		hasEnd := strings.Contains(text, EndMarker)
		switch {
		case hasStart && hasEnd:
			return nil, fmt.Errorf("line %s: %w: %s and %s on one line", l.where(i+1), ErrUnbalancedMarkers, StartMarker, EndMarker)
		case hasStart && open:
			return nil, fmt.Errorf("line %s: %w: %s inside the region opened at line %d", l.where(i+1), ErrUnbalancedMarkers, StartMarker, openLine)
		case hasStart:
			open, openLine, openStart = true, i+1, ln.next
		case hasEnd && !open:
			return nil, fmt.Errorf("line %s: %w: %s without a %s before it", l.where(i+1), ErrUnbalancedMarkers, EndMarker, StartMarker)
		case hasEnd:
			regions = append(regions, Region{Start: openStart, End: ln.start})
			open = false
		}
	}
	if open {
		return nil, fmt.Errorf("line %s: %w: %s never closed by %s", l.where(openLine), ErrUnbalancedMarkers, StartMarker, EndMarker)
	}
	return regions, nil
}

func exactLine(a, b string) bool { return a == b }

// programLines are the lines random programs are made of: markers where
// they belong and where they do not, headers (one naming a marker), lines
// that repeat, blank lines and "\r".
var programLines = []string{
	"// EVOLVE-BLOCK-START", "// EVOLVE-BLOCK-END", "# EVOLVE-BLOCK-START", "# EVOLVE-BLOCK-END",
	"x EVOLVE-BLOCK-START EVOLVE-BLOCK-END", "EVOLVE-BLOCK-", "EVOLVE-BLOCK-STAR", "EVOLVE-BLOCK-EVOLVE-BLOCK-END",
	"=== file: a.go ===", "=== file: b.py ===", "=== file: EVOLVE-BLOCK-START ===", "=== file: a.go ===\r",
	"x := 1", "x := 1", "y := 2", "\tx := 1", "x := 1 ", "", "", " ", "\r", "a", "a", "}",
}

// randomProgram joins a few programLines, with or without a final "\n".
func randomProgram(rng *rand.Rand) string {
	lines := make([]string, rng.IntN(12))
	for i := range lines {
		lines[i] = programLines[rng.IntN(len(programLines))]
	}
	code := strings.Join(lines, "\n")
	if rng.IntN(2) == 0 {
		code += "\n"
	}
	return code
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestRegionsSameAsByLine(t *testing.T) {
	codes := []string{twoFiles, readTestdata(t, "program.py")}
	for _, name := range []string{"empty_region", "end_before_start", "nested_start", "never_closed", "one_region", "two_files", "two_regions"} {
		codes = append(codes, readTestdata(t, "evolve/"+name+".txt"))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		codes = append(codes, randomProgram(rng))
	}
	for _, code := range codes {
		got, err := Regions(code)
		want, wantErr := regionsByLine(code)
		if diff := cmp.Diff(want, got); diff != "" || errText(err) != errText(wantErr) {
			t.Fatalf("Regions(%q) = %v, %v; read line by line %v, %v", code, got, err, want, wantErr)
		}
	}
}

func TestExactMatchesSameAsByLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		code := randomProgram(rng)
		var search string
		if lines := strings.Split(code, "\n"); rng.IntN(4) > 0 {
			i := rng.IntN(len(lines))
			search = strings.Join(lines[i:min(len(lines), i+1+rng.IntN(3))], "\n")
		} else {
			search = randomProgram(rng)
		}
		if rng.IntN(3) == 0 {
			search += "\n" // a SEARCH ending with a blank line
		}
		text := strings.TrimSuffix(search, "\n")
		if strings.TrimSpace(text) == "" {
			continue // Apply refuses it before matching
		}
		lines := strings.Split(text, "\n")
		got := exactMatches(code, text, lines[len(lines)-1] == "")
		want := matches(code, splitLines(code), lines, exactLine)
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(match{})); diff != "" {
			t.Fatalf("exactMatches(%q, %q) differs from matching line by line (-want +got):\n%s", code, text, diff)
		}
	}
}

func TestLineKindsSameAsPattern(t *testing.T) {
	kinds := []lineKind{searchLine, dividerLine, replaceLine, fenceOpen, fenceClose}
	parts := []string{"", " ", "\t", "<<<<<", "<<<<<<<", "=====", "=======", ">>>>>>>", "```", "``", "`", "SEARCH", "REPLACE", "go", "x", "\n"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 50000 {
		var line strings.Builder
		for range rng.IntN(5) {
			line.WriteString(parts[rng.IntN(len(parts))])
		}
		for _, k := range kinds {
			if got, want := k.MatchString(line.String()), k.pattern.MatchString(line.String()); got != want {
				t.Fatalf("lineKind %q on %q = %v, its pattern says %v", k.lead, line.String(), got, want)
			}
		}
	}
}
