package main

import (
	"fmt"
	"strings"

	"github.com/asi-evolve/asi/sdk"
)

// evolveBlock returns the text between the markers of code after checking
// that everything outside them equals the same outside text of reference:
// the harness is the task's, whatever the candidate wrote. It returns an
// error wrapping ErrHarness naming the first differing line.
func evolveBlock(code, reference string) (string, error) {
	head, block, tail, err := splitBlock(code)
	if err != nil {
		return "", err
	}
	refHead, _, refTail, err := splitBlock(reference)
	if err != nil {
		return "", fmt.Errorf("reference program: %w", err)
	}
	if head != refHead {
		return "", fmt.Errorf("%w: line %d before %s differs", ErrHarness, firstDiff(head, refHead), sdk.EvolveStart)
	}
	if tail != refTail {
		return "", fmt.Errorf("%w: line %d after %s differs", ErrHarness, firstDiff(tail, refTail), sdk.EvolveEnd)
	}
	return block, nil
}

// splitBlock cuts code at its one pair of marker lines.
func splitBlock(code string) (head, block, tail string, err error) {
	start := strings.Index(code, sdk.EvolveStart)
	end := strings.Index(code, sdk.EvolveEnd)
	if start < 0 || end < start || strings.Count(code, sdk.EvolveStart) != 1 || strings.Count(code, sdk.EvolveEnd) != 1 {
		return "", "", "", fmt.Errorf("%w: want exactly one %s line followed by one %s line", ErrHarness, sdk.EvolveStart, sdk.EvolveEnd)
	}
	startLine := strings.LastIndex(code[:start], "\n") + 1
	endLine := strings.Index(code[end:], "\n")
	if endLine < 0 {
		endLine = len(code) - end
	}
	return code[:startLine], code[startLine : end+endLine], code[end+endLine:], nil
}

// firstDiff is the 1-based line number, within a and b, where they first
// differ.
func firstDiff(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return i + 1
		}
	}
	return min(len(al), len(bl)) + 1
}
