package store

import (
	"testing"
	"time"
)

func TestCountResearch(t *testing.T) {
	nodes := []Node{
		{ID: 1, Valid: true, Metrics: map[string]float64{MetricRepairs: 2, MetricJudge: 0.5}},
		{ID: 2, Metrics: map[string]float64{MetricRepairs: 1, MetricNovelty: 1}},
		{ID: 3, Valid: true, Metrics: map[string]float64{MetricCascadeSaved: 1.5}},
		{ID: 4, Metrics: map[string]float64{MetricCascadeSaved: 0.25, MetricJudge: 0}},
		{ID: 5, Valid: true},
	}
	got := CountResearch(nodes)
	want := ResearchCounters{Repairs: 3, Repaired: 1, CascadeStops: 2, CascadeSaved: 1750 * time.Millisecond, NoveltyRejections: 1, Judged: 2}
	if got != want {
		t.Fatalf("CountResearch = %+v, want %+v", got, want)
	}
}
