package diffs

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every error this package returns wraps one of them, so a
// caller can branch with errors.Is while the message carries the detail that
// is sent back to the model.
var (
	// ErrNoEdit means a reply holds neither SEARCH/REPLACE blocks nor a
	// non-empty <program>.
	ErrNoEdit = errors.New("reply has neither SEARCH/REPLACE blocks nor a <program>")
	// ErrNoName means a reply has no non-empty <name> tag.
	ErrNoName = errors.New("reply has no <name>")
	// ErrUnclosedTag means a reply opens one of its format's tags and never
	// closes it, which usually means the reply was cut off.
	ErrUnclosedTag = errors.New("tag opened but never closed")
	// ErrMalformedBlock means a SEARCH/REPLACE block is incomplete or empty.
	ErrMalformedBlock = errors.New("malformed SEARCH/REPLACE block")
	// ErrNoMatch means a SEARCH text occurs nowhere in the program.
	ErrNoMatch = errors.New("SEARCH text not found")
	// ErrAmbiguousMatch means a SEARCH text occurs more than once in the
	// editable text.
	ErrAmbiguousMatch = errors.New("SEARCH text matches more than once")
	// ErrOutsideEvolveBlock means a SEARCH text occurs only outside the
	// EVOLVE-BLOCK regions, or a rewrite changes text outside them.
	ErrOutsideEvolveBlock = errors.New("edit outside the EVOLVE-BLOCK regions")
	// ErrMarkerChanged means an edit adds, removes or moves an EVOLVE-BLOCK
	// marker line.
	ErrMarkerChanged = errors.New("EVOLVE-BLOCK markers changed")
	// ErrUnbalancedMarkers means a program's EVOLVE-BLOCK markers do not pair
	// up: an END without a START, a START inside a region, a region never
	// closed, or both markers on one line.
	ErrUnbalancedMarkers = errors.New("unbalanced EVOLVE-BLOCK markers")
	// ErrUnknownFile means a block names, with its File line, a file the
	// program of several files does not have.
	ErrUnknownFile = errors.New("no such file in the program")
	// ErrFileHeader means an edit or rewrite would add, remove, rename or
	// reorder a file header line ("=== file: PATH ==="), or a program's
	// headers repeat a path or name an invalid one.
	ErrFileHeader = errors.New("file header lines changed")
)

// ApplyError reports why one SEARCH/REPLACE block could not be applied.
// Its message is written to be sent back to the model as is.
type ApplyError struct {
	// Block is the failing block's position in the list, counting from 1.
	Block int
	// Reason says what went wrong and how to fix it.
	Reason string
	// Err is the sentinel: ErrNoMatch, ErrAmbiguousMatch,
	// ErrOutsideEvolveBlock, ErrMarkerChanged, ErrMalformedBlock,
	// ErrUnknownFile or ErrFileHeader.
	Err error
}

func (e *ApplyError) Error() string {
	return "block " + strconv.Itoa(e.Block) + ": " + e.Reason
}

func (e *ApplyError) Unwrap() error { return e.Err }

// RewriteError reports why a full rewrite changes text it may not change.
// Its message is written to be sent back to the model as is.
type RewriteError struct {
	// Line is the first offending line of the rewrite, counting from 1, or
	// 0 when the problem is not about one line (a region count mismatch).
	Line int
	// Reason says what differs.
	Reason string
	// Err is the sentinel: ErrOutsideEvolveBlock, ErrMarkerChanged,
	// ErrUnbalancedMarkers or ErrFileHeader.
	Err error
}

func (e *RewriteError) Error() string {
	if e.Line > 0 {
		return "rewrite line " + strconv.Itoa(e.Line) + ": " + e.Reason
	}
	return "rewrite: " + e.Reason
}

func (e *RewriteError) Unwrap() error { return e.Err }
