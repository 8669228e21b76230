package main

import "errors"

// Reasons a program's output is rejected. Score wraps them with the detail
// (which circle, by how much) that the researcher needs to fix the program.
var (
	ErrMalformed = errors.New("output is not the expected JSON")
	ErrCount     = errors.New("wrong number of circles")
	ErrNotFinite = errors.New("number is not finite")
	ErrRadius    = errors.New("radius is not positive")
	ErrOutside   = errors.New("circle leaves the unit square")
	ErrOverlap   = errors.New("circles overlap")
)
