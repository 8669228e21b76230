package engine

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/task"
)

// stagedTask has a cheap stage 0 scoring the value and a slow stage 1.
type stagedTask struct {
	numberTask
	stage1 atomic.Int64
}

func (t *stagedTask) Describe(ctx context.Context) (task.Description, error) {
	d, _ := t.numberTask.Describe(ctx)
	d.Stages = []task.Stage{{Name: "quick"}, {Name: "full"}}
	return d, nil
}

func (t *stagedTask) Evaluate(ctx context.Context, c task.Candidate, stage int, seed int64) (task.Result, error) {
	if stage == 1 {
		t.stage1.Add(1)
		time.Sleep(2 * time.Millisecond)
	}
	return t.numberTask.Evaluate(ctx, c, stage, seed)
}

func TestCascadeThresholdSkipsLaterStages(t *testing.T) {
	st := openStore(t)
	tk := &stagedTask{}
	// The campaign's threshold overrides the task's (none): the
	// incrementer climbs 2, 3, 4, 5 from the initial 1.
	e := newEngine(t, st, tk, &incrementer{}, func(c *Config) {
		c.Budget.Steps, c.Workers = 4, 1
		c.Thresholds = map[string]float64{"quick": 3.5}
	})
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	nodes := checkSteps(t, st, 4)
	// Values 1, 2, 3 are under 3.5 and skip stage "full"; 4 and 5 run it.
	if got := tk.stage1.Load(); got != 2 {
		t.Fatalf("stage 1 ran %d times, want 2", got)
	}
	stopped := 0
	for _, n := range nodes {
		if _, ok := n.Metrics[MetricCascadeSaved]; ok {
			stopped++
			if !strings.Contains(n.Feedback, "short of its threshold 3.5") {
				t.Fatalf("node %d feedback = %q", n.ID, n.Feedback)
			}
		}
	}
	if stopped != 3 || sum.Counters.CascadeStops != 3 {
		t.Fatalf("stopped nodes %d, counter %d, want 3", stopped, sum.Counters.CascadeStops)
	}
}

func TestCascadeCountsSavedTime(t *testing.T) {
	st := openStore(t)
	tk := &stagedTask{}
	// Every candidate passes the threshold, so stage 1's time is measured
	// and a later stop would be credited with it.
	e := newEngine(t, st, tk, &incrementer{}, func(c *Config) {
		c.Budget.Steps, c.Workers = 2, 1
		c.Thresholds = map[string]float64{"quick": 0.5}
	})
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	saved := e.stageTimes.after(0, 2)
	if saved < 2*time.Millisecond {
		t.Fatalf("estimated stage-1 time %v, want >= 2ms", saved)
	}
}
