package store

import (
	"context"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestObjectivesRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if got, err := s.Objectives(ctx); err != nil || got != nil {
		t.Fatalf("fresh store: objectives %v, %v; want none", got, err)
	}
	ref := -2.5
	want := []Objective{{Metric: "a", Direction: "maximize", Weight: 1}, {Metric: "b", Direction: "minimize", Reference: &ref, Weight: 0}}
	if err := s.SetObjectives(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Objectives(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objectives (-want +got):\n%s", diff)
	}
	if err := s.SetObjectives(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Objectives(ctx); err != nil || got != nil {
		t.Errorf("after clearing: %v, %v", got, err)
	}
	if err := s.SetMeta(ctx, MetaObjectives, "{not json"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Objectives(ctx); err == nil {
		t.Error("a broken objectives value read without error")
	}
}

func TestObjectiveValues(t *testing.T) {
	objs := []Objective{{Metric: "a", Direction: "maximize"}, {Metric: "b", Direction: "minimize"}}
	got, ok := ObjectiveValues(Node{Metrics: map[string]float64{"a": 2, "b": 3}}, objs)
	if !ok || !cmp.Equal(got, []float64{2, -3}) {
		t.Errorf("values %v (%v), want [2 -3] oriented", got, ok)
	}
	for _, metrics := range []map[string]float64{{"a": 2}, {"a": 2, "b": math.NaN()}, {"a": math.Inf(1), "b": 1}} {
		if _, ok := ObjectiveValues(Node{Metrics: metrics}, objs); ok {
			t.Errorf("metrics %v count as complete", metrics)
		}
	}
}
