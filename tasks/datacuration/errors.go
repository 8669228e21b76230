package main

import (
	"errors"

	"github.com/asi-evolve/asi/sdk"
)

// Reasons a candidate's output is rejected. Score wraps them with the
// document and the detail the researcher needs to fix the program.
var (
	ErrMalformed  = errors.New("output is not the expected JSON")
	ErrCount      = errors.New("wrong number of decisions")
	ErrNotDeleted = errors.New("cleaned text adds words")
	ErrNothing    = errors.New("no text kept")
	ErrHarness    = sdk.ErrHarnessChanged
)
