package sdk_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/asi-evolve/asi/sdk"
)

// wordCount is a whole task: it runs the candidate in the host's sandbox
// and scores the number of words it prints.
type wordCount struct{ host sdk.Host }

func (w *wordCount) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{
		Name: "wordcount", Version: "0.1.0", Language: "go",
		Statement:      "Print as many words as you can.",
		InitialProgram: "package main\n\n// EVOLVE-BLOCK-START\nfunc main() { println(\"hello\") }\n// EVOLVE-BLOCK-END\n",
		Metrics:        []sdk.Metric{{Name: "words", Description: "words printed"}},
		Primary:        "words", Direction: sdk.Maximize,
		Stages: []sdk.Stage{{Name: "run"}},
	}, nil
}

func (w *wordCount) Configure(_ context.Context, req sdk.ConfigureRequest) error {
	w.host = req.Host
	return nil
}

func (w *wordCount) Evaluate(ctx context.Context, c sdk.Candidate, _ int, _ int64) (sdk.Result, error) {
	run, err := w.host.Sandbox.Run(ctx, sdk.SandboxRun{Language: "go", Files: map[string][]byte{"main.go": []byte(c.Code)}})
	if err != nil {
		return sdk.Result{}, err
	}
	if !run.OK() {
		return sdk.Result{Feedback: run.Reason + ": " + run.Detail}, nil
	}
	n := float64(len(strings.Fields(string(run.Stdout))))
	return sdk.Result{Valid: true, Metrics: map[string]float64{"words": n}}, nil
}

// A plugin's main is one call: asi starts the binary and talks to the task
// over gRPC.
func ExampleServe() {
	sdk.Serve(func() sdk.Task { return &wordCount{} })
}

// Configure reports a bad setting by its attribute path; asi shows the
// error at that attribute of the campaign file.
func ExampleErrorf() {
	err := errors.Join(
		sdk.Errorf([]string{"depth"}, "Value out of range", "depth must be between 1 and %d.", 8),
		sdk.Errorf([]string{"weights", "2"}, "Negative weight", "weights must not be negative."),
	)
	fmt.Println(err)
	// Output:
	// task.depth: Value out of range: depth must be between 1 and 8.
	// task.weights.2: Negative weight: weights must not be negative.
}
