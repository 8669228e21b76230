package main

import (
	"errors"

	"github.com/asi-evolve/asi/sdk"
)

// Reasons a candidate's output is rejected. Score wraps them with the
// problem and the detail the researcher needs to fix the program.
var (
	ErrMalformed = errors.New("output is not the expected JSON")
	ErrMissing   = errors.New("parameters of a problem are missing")
	ErrShape     = errors.New("wrong number of parameters")
	ErrNotFinite = errors.New("parameter is not a finite number")
	ErrHarness   = sdk.ErrHarnessChanged
)
