package engine

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// A task whose evaluations keep failing to run stops the campaign after
// MaxInfraFailures of them in a row, with the task's last error; those
// nodes are counted apart from failed candidates, are not repaired or
// analysed, and teach the cognition base nothing.
func TestTaskFailingStopsCampaign(t *testing.T) {
	tests := []struct {
		name    string
		limit   int                    // Config.MaxInfraFailures
		crashIf func(count int64) bool // evaluation 1 is the initial program
		wantErr bool                   // the campaign stops with ErrTaskFailing
		want    int                    // infrastructure failures stored
	}{
		{name: "every evaluation, default limit", crashIf: func(c int64) bool { return c > 1 }, wantErr: true, want: DefaultMaxInfraFailures},
		{name: "every evaluation, limit 2", limit: 2, crashIf: func(c int64) bool { return c > 1 }, wantErr: true, want: 2},
		{name: "every other evaluation", crashIf: func(c int64) bool { return c%2 == 0 }, want: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			base := &countingBase{Base: newBase(t, st, nil), writes: map[cognition.Kind]int{}}
			p := &incrementer{}
			e := newEngine(t, st, &numberTask{crashIf: tt.crashIf}, p, func(c *Config) {
				c.Budget.Steps = 12
				c.Workers = 1
				c.MaxRepairs = 1
				c.MaxInfraFailures = tt.limit
				c.Cognition = base
			})
			sum, err := e.Run(context.Background())
			if tt.wantErr != (err != nil) {
				t.Fatalf("err = %v, want an error: %v", err, tt.wantErr)
			}
			if tt.wantErr && (!errors.Is(err, ErrTaskFailing) || !strings.Contains(err.Error(), "plugin crashed") || !strings.Contains(err.Error(), "task number")) {
				t.Errorf("err = %v; want ErrTaskFailing naming the task and its last error", err)
			}
			if sum.InfraFailures != tt.want || sum.Failures != 0 {
				t.Errorf("summary: %d infrastructure failures, %d failed candidates; want %d and 0", sum.InfraFailures, sum.Failures, tt.want)
			}
			nodes, err := st.Nodes(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			infra := 0
			for _, n := range nodes {
				if n.Status != store.StatusInfraFailed {
					continue
				}
				infra++
				if n.Valid || !strings.Contains(n.Error, "plugin crashed") || n.Metrics[MetricRepairs] != 0 || !strings.HasPrefix(n.Analysis, "(no analysis") {
					t.Errorf("node %d: valid %v, error %q, repairs %v, analysis %q; want an unrepaired, unanalysed failure naming the crash",
						n.ID, n.Valid, n.Error, n.Metrics[MetricRepairs], n.Analysis)
				}
			}
			if infra != tt.want {
				t.Errorf("%d nodes stored as %s, want %d", infra, store.StatusInfraFailed, tt.want)
			}
			// One researcher call per step: no repair of a crash.
			if p.calls != len(nodes)-1 {
				t.Errorf("%d researcher calls for %d steps; a crash was sent back for repair", p.calls, len(nodes)-1)
			}
			if tt.wantErr && base.writes[cognition.KindFailure]+base.writes[cognition.KindInsight] != 0 {
				t.Errorf("cognition write-backs %v; want none from nodes that could not be evaluated", base.writes)
			}
			if !tt.wantErr && base.writes[cognition.KindFailure] != 0 {
				t.Errorf("%d failure items written; the crashes are not the candidates' failures", base.writes[cognition.KindFailure])
			}
		})
	}
}

// metricsTask reports the same metrics, valid, for every candidate but
// the initial program.
type metricsTask struct{ metrics map[string]float64 }

func (t *metricsTask) Describe(context.Context) (task.Description, error) {
	return task.Description{
		Name: "metrics", Language: "go", InitialProgram: initialProgram,
		Primary: "ratio", Direction: task.Maximize, Metrics: []task.Metric{{Name: "ratio"}, {Name: "loss"}},
	}, nil
}

func (t *metricsTask) Evaluate(_ context.Context, c task.Candidate, _ int, _ int64) (task.Result, error) {
	if c.NodeID == 1 {
		return task.Result{Valid: true, Metrics: map[string]float64{"ratio": 1, "loss": 1}}, nil
	}
	return task.Result{Valid: true, Metrics: t.metrics, Feedback: "evaluated"}, nil
}

// A metric that is not a finite number makes the result invalid, with
// the reason as the node's error and in the feedback the researcher reads.
func TestNonFiniteMetricsAreInvalid(t *testing.T) {
	tests := []struct {
		name    string
		metrics map[string]float64
		want    string // in the error and the feedback; "" when valid
	}{
		{name: "finite", metrics: map[string]float64{"ratio": 2, "loss": 0.5}},
		{name: "primary NaN", metrics: map[string]float64{"ratio": math.NaN(), "loss": 0.5}, want: `metric "ratio" is NaN`},
		{name: "secondary +Inf", metrics: map[string]float64{"ratio": 2, "loss": math.Inf(1)}, want: `metric "loss" is +Inf`},
		{name: "primary -Inf", metrics: map[string]float64{"ratio": math.Inf(-1)}, want: `metric "ratio" is -Inf`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			e := newEngine(t, st, &metricsTask{metrics: tt.metrics}, &incrementer{}, func(c *Config) {
				c.Budget.Steps = 1
				c.Workers = 1
			})
			if _, err := e.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			n, err := st.Node(context.Background(), 2)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if !n.Valid || n.Score != 2 {
					t.Errorf("node 2: valid %v, score %v, error %q; want valid with 2", n.Valid, n.Score, n.Error)
				}
				return
			}
			if n.Valid || n.Status != store.StatusFailed || !strings.Contains(n.Error, tt.want) || !strings.Contains(n.Feedback, tt.want) {
				t.Errorf("node 2: valid %v, status %s, error %q, feedback %q; want a failed candidate saying %s",
					n.Valid, n.Status, n.Error, n.Feedback, tt.want)
			}
			for k, v := range n.Metrics {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("metric %s = %v stored", k, v)
				}
			}
		})
	}
}
