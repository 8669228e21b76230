package main

import "errors"

// errNoResult is returned when a job succeeded but left no result file:
// the harness always writes one, so the job was tampered with or broken.
var errNoResult = errors.New("job left no result.json")
