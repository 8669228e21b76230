// Command symreg is an example asi task plugin written against the
// sdk alone: symbolic regression. The candidate is a Go program with a
// formula f(x); the task feeds it the x values of a small data set
// (data.csv, shipped in the binary) through stdin, in the host's sandbox,
// and scores the mean squared error of what it prints against y.
//
// Build it and run its campaign:
//
//	go build
//	asi apply campaign.hcl
package main

import "github.com/asi-evolve/asi/sdk"

func main() { sdk.Serve(newTask) }

func newTask() sdk.Task { return &Task{} }
