package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// MetaObjectives is the meta key of the campaign's objectives, a JSON list
// of Objective; absent when the campaign has none.
const MetaObjectives = "objectives"

// Objective is one metric of a campaign with several objectives, as the
// campaign file declared it.
type Objective struct {
	Metric    string   `json:"metric"`
	Direction string   `json:"direction"` // "maximize" or "minimize"
	Reference *float64 `json:"reference,omitempty"`
	Weight    float64  `json:"weight"`
}

// Maximize says whether a larger value of the metric is better.
func (o Objective) Maximize() bool { return o.Direction != "minimize" }

// Orient turns a metric value into one where larger is better.
func (o Objective) Orient(v float64) float64 {
	if o.Maximize() {
		return v
	}
	return -v
}

// ObjectiveValues returns n's values on objs, each oriented so that larger
// is better, and whether every one is a finite number; a metric n does not
// report is NaN.
func ObjectiveValues(n Node, objs []Objective) ([]float64, bool) {
	out := make([]float64, len(objs))
	ok := true
	for i, o := range objs {
		v, has := n.Metrics[o.Metric]
		if !has || math.IsNaN(v) || math.IsInf(v, 0) {
			out[i], ok = math.NaN(), false
			continue
		}
		out[i] = o.Orient(v)
	}
	return out, ok
}

// SetObjectives records the campaign's objectives; none clears them.
func (s *Store) SetObjectives(ctx context.Context, objs []Objective) error {
	if len(objs) == 0 {
		return s.SetMeta(ctx, MetaObjectives, "")
	}
	b, err := json.Marshal(objs)
	if err != nil {
		return fmt.Errorf("objectives: %w", err)
	}
	return s.SetMeta(ctx, MetaObjectives, string(b))
}

// Objectives reads the campaign's objectives; nil when none were recorded.
func (s *Store) Objectives(ctx context.Context) ([]Objective, error) {
	v, err := s.Meta(ctx, MetaObjectives)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseObjectives(v)
}

// ParseObjectives reads the value stored under MetaObjectives.
func ParseObjectives(v string) ([]Objective, error) {
	if v == "" {
		return nil, nil
	}
	var objs []Objective
	if err := json.Unmarshal([]byte(v), &objs); err != nil {
		return nil, fmt.Errorf("meta %q: %w", MetaObjectives, err)
	}
	return objs, nil
}
