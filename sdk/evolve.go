package sdk

import (
	"fmt"
	"strings"
)

// EvolveBlock returns the text of code's one EVOLVE region, after checking
// that everything outside it equals the text outside reference's region:
// a task whose trusted harness surrounds the region thus knows the harness
// is its own, whatever the candidate wrote. The error wraps
// ErrHarnessChanged and names the first differing line.
func EvolveBlock(code, reference string) (string, error) {
	head, block, tail, err := SplitEvolveBlock(code)
	if err != nil {
		return "", err
	}
	refHead, _, refTail, err := SplitEvolveBlock(reference)
	if err != nil {
		return "", fmt.Errorf("reference program: %w", err)
	}
	if head != refHead {
		return "", fmt.Errorf("%w: line %d before %s differs", ErrHarnessChanged, firstDifferentLine(head, refHead), EvolveStart)
	}
	if tail != refTail {
		return "", fmt.Errorf("%w: line %d after %s differs", ErrHarnessChanged, firstDifferentLine(tail, refTail), EvolveEnd)
	}
	return block, nil
}

// SplitEvolveBlock cuts code at its one pair of marker lines: head ends
// before the EvolveStart line, block runs through the EvolveEnd line, tail
// is the rest. Code with no region or more than one is an error wrapping
// ErrHarnessChanged. The host's tests (core/diffs/testdata/evolve) check
// that it finds the same region as the host's reading of the markers.
func SplitEvolveBlock(code string) (head, block, tail string, err error) {
	start := strings.Index(code, EvolveStart)
	end := strings.Index(code, EvolveEnd)
	if start < 0 || end < start || strings.Count(code, EvolveStart) != 1 || strings.Count(code, EvolveEnd) != 1 {
		return "", "", "", fmt.Errorf("%w: want exactly one %s line followed by one %s line", ErrHarnessChanged, EvolveStart, EvolveEnd)
	}
	startLine := strings.LastIndex(code[:start], "\n") + 1
	endLine := strings.Index(code[end:], "\n")
	if endLine < 0 {
		endLine = len(code) - end
	}
	return code[:startLine], code[startLine : end+endLine], code[end+endLine:], nil
}

// firstDifferentLine is the 1-based line where a and b first differ.
func firstDifferentLine(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return i + 1
		}
	}
	return min(len(al), len(bl)) + 1
}
