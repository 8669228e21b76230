package engine

import (
	"context"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

func TestJudgeBlendUsesTheScoresRange(t *testing.T) {
	tests := []struct {
		name      string
		direction task.Direction
		weight    float64
		score     float64
		judge     float64
		want      float64
	}{
		{"maximize, best judge", task.Maximize, 0.5, 10, 1, 15},
		{"maximize, worst judge", task.Maximize, 0.5, 20, 0, 15},
		{"minimize, best judge", task.Minimize, 0.5, 20, 1, -15},
		{"weight zero", task.Maximize, 0, 10, 1, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Engine{desc: task.Description{Direction: tt.direction}, cfg: Config{Judge: &Judge{Weight: tt.weight}}}
			e.observeRange(store.Node{Valid: true, Score: 10})
			e.observeRange(store.Node{Valid: true, Score: 20})
			got := e.blend(store.Node{Valid: true, Score: tt.score, Metrics: map[string]float64{MetricJudge: tt.judge}})
			if got != tt.want {
				t.Fatalf("blend = %v, want %v", got, tt.want)
			}
		})
	}
}

// judgeModel answers a fixed rubric.
type judgeModel struct{ reply string }

func (judgeModel) Name() string { return "judge" }
func (j judgeModel) Complete(context.Context, llm.Request) (llm.Response, error) {
	return llm.Response{Content: j.reply, Usage: llm.Usage{CostUSD: 0.001}}, nil
}

func TestJudgeScoresCandidates(t *testing.T) {
	st := openStore(t)
	e := newEngine(t, st, &numberTask{}, &incrementer{}, func(c *Config) {
		c.Budget.Steps, c.Workers = 2, 1
		c.Judge = &Judge{Provider: judgeModel{"novelty: 8\nsoundness: 6/10\n- complexity: 10"}, Weight: 0.3}
	})
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	nodes := checkSteps(t, st, 2)
	if got := nodes[2].Metrics[MetricJudge]; got != 0.8 {
		t.Fatalf("judge metric = %v, want 0.8", got)
	}
	if sum.Counters.Judged != 2 || nodes[2].Score != 3 {
		t.Fatalf("judged %d, score %v: the primary score must stay raw", sum.Counters.Judged, nodes[2].Score)
	}
}
