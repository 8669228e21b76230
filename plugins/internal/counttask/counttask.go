// Package counttask is a task for testing the plugin host: it scores a
// program by its length, needs no sandbox, and can kill its own process
// while evaluating a chosen node, as a plugin with a fatal bug would die,
// or panic on every node from a chosen one on.
// plugins/testdata/crashy serves it as a plugin binary; the benchmarks
// also call it in process.
package counttask

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/asi-evolve/asi/sdk"
)

// Name is the task's name.
const Name = "crashy"

const initial = `package main

// EVOLVE-BLOCK-START
const x = 1.0
// EVOLVE-BLOCK-END

func main() { println(x) }
`

// Task is the counting task.
type Task struct{ crashOn, panicFrom, evaluateMS atomic.Int64 }

// New returns the task.
func New() sdk.Task { return &Task{} }

// Describe implements sdk.Task.
func (t *Task) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{
		Name: Name, Version: "0.0.1", Statement: "Make the program longer.", Language: "go",
		InitialProgram: initial,
		Metrics:        []sdk.Metric{{Name: "score", Description: "bytes of the program"}},
		Primary:        "score", Direction: sdk.Maximize,
		Stages: []sdk.Stage{{Name: "count"}},
		Config: []sdk.Setting{{Name: "crash_on_node", Type: sdk.TypeNumber, Default: 0.0,
			Description: "the node whose evaluation kills the process; 0 for none"},
			{Name: "panic_from_node", Type: sdk.TypeNumber, Default: 0.0,
				Description: "the first node whose evaluation panics; every later node's does too; 0 for none"},
			{Name: "evaluate_ms", Type: sdk.TypeNumber, Default: 0.0,
				Description: "how long every other evaluation takes, in milliseconds"}},
	}, nil
}

// Configure implements sdk.Task.
func (t *Task) Configure(_ context.Context, req sdk.ConfigureRequest) error {
	n, _ := req.Settings["crash_on_node"].(float64)
	if n < 0 || n != float64(int64(n)) {
		return sdk.Errorf([]string{"crash_on_node"}, "Invalid node", "crash_on_node must be a whole number, at least 0, not %v.", n)
	}
	t.crashOn.Store(int64(n))
	from, _ := req.Settings["panic_from_node"].(float64)
	t.panicFrom.Store(int64(from))
	ms, _ := req.Settings["evaluate_ms"].(float64)
	t.evaluateMS.Store(int64(ms))
	return nil
}

// Evaluate implements sdk.Task.
func (t *Task) Evaluate(_ context.Context, c sdk.Candidate, _ int, _ int64) (sdk.Result, error) {
	if n := t.crashOn.Load(); n > 0 && c.NodeID == n {
		sdk.Logger(Name).Error("killing my own process", "node", c.NodeID, "pid", os.Getpid())
		if self, err := os.FindProcess(os.Getpid()); err == nil {
			_ = self.Kill()
		}
		select {} // the process is gone before this blocks for long
	}
	if n := t.panicFrom.Load(); n > 0 && c.NodeID >= n {
		sdk.Logger(Name).Error("about to panic", "node", c.NodeID)
		panic(fmt.Sprintf("counttask: node %d is poison", c.NodeID))
	}
	time.Sleep(time.Duration(t.evaluateMS.Load()) * time.Millisecond)
	score := float64(len(strings.TrimSpace(c.Code)))
	return sdk.Result{
		Metrics: map[string]float64{"score": score}, Valid: true,
		Feedback: "score " + strconv.FormatFloat(score, 'f', 0, 64),
	}, nil
}
