package metrics

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/asi-evolve/asi/core/store"
)

func TestCollector(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	nodes := []store.Node{
		{Step: 0, Name: "initial", Valid: true, Score: 1, Status: store.StatusOK, EvalTime: 20 * time.Millisecond},
		{Step: 1, Parents: []int64{1}, Name: "slow", Valid: true, Score: 2, Status: store.StatusOK, EvalTime: 2 * time.Second},
		{Step: 2, Parents: []int64{1}, Name: "bad", Status: store.StatusFailed, Error: "edit: no blocks", EvalTime: 0},
		{Step: 3, Parents: []int64{1}, Name: "crashed", Status: store.StatusInfraFailed, Error: "plugin crashed", EvalTime: 0},
	}
	for i := range nodes {
		if _, err := st.Commit(ctx, &nodes[i], nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.RecordCall(ctx, store.Call{Step: 1, Role: "researcher", PromptTokens: 100, CompletionTokens: 40, CostUSD: 0.25}); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewCollector(func() []Source {
		return []Source{
			{Name: "good", Store: func(context.Context) (*store.Store, error) { return st, nil }},
			{Name: "gone", Store: func(context.Context) (*store.Store, error) { return nil, errors.New("no such directory") }},
		}
	}))
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			key := f.GetName()
			for _, l := range m.GetLabel() {
				key += "," + l.GetName() + "=" + l.GetValue()
			}
			switch {
			case m.Counter != nil:
				got[key] = m.Counter.GetValue()
			case m.Gauge != nil:
				got[key] = m.Gauge.GetValue()
			case m.Histogram != nil:
				got[key] = float64(m.Histogram.GetSampleCount())
				for _, b := range m.Histogram.GetBucket() {
					if b.GetUpperBound() == 1 {
						got[key+",le=1"] = float64(b.GetCumulativeCount())
					}
				}
			}
		}
	}
	tests := []struct {
		name string
		key  string
		want float64
	}{
		{"steps", "asi_steps_total,campaign=good", 3},
		{"ok evaluations", "asi_evaluations_total,campaign=good,outcome=ok", 2},
		{"failed evaluations", "asi_evaluations_total,campaign=good,outcome=failed", 1},
		{"evaluations that could not run", "asi_evaluations_total,campaign=good,outcome=infra_failed", 1},
		{"prompt tokens", "asi_llm_tokens_total,campaign=good,kind=prompt", 100},
		{"completion tokens", "asi_llm_tokens_total,campaign=good,kind=completion", 40},
		{"cost", "asi_llm_cost_usd_total,campaign=good", 0.25},
		{"best", "asi_best_score,campaign=good,metric=", 2},
		{"evaluations timed", "asi_evaluation_duration_seconds,campaign=good", 4},
		{"evaluations within a second", "asi_evaluation_duration_seconds,campaign=good,le=1", 3},
		{"readable", "asi_scrape_errors,campaign=good", 0},
		{"unreadable", "asi_scrape_errors,campaign=gone", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := got[tt.key]
			if !ok || v != tt.want {
				t.Fatalf("%s = %v (present %v), want %v; all: %v", tt.key, v, ok, tt.want, got)
			}
		})
	}
}
