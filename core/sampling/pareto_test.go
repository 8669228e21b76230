package sampling

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// paretoNodes are a front {1, 2, 3, 4}, a second front {5, 6}, a third
// {7}, and nodes that must never be a parent: invalid (8), missing an
// objective (9), one objective short (10).
func paretoNodes() []Node {
	nan := math.NaN()
	return []Node{
		{ID: 1, Score: 1, Valid: true, Objectives: []float64{0, 4}},
		{ID: 2, Score: 2, Valid: true, Objectives: []float64{1, 3.5}},
		{ID: 3, Score: 3, Valid: true, Objectives: []float64{3, 1}},
		{ID: 4, Score: 4, Valid: true, Objectives: []float64{4, 0}},
		{ID: 5, Parents: []int64{1}, Score: 5, Valid: true, Objectives: []float64{1, 1}},
		{ID: 6, Parents: []int64{1}, Score: 6, Valid: true, Objectives: []float64{2, 0.5}},
		{ID: 7, Parents: []int64{1}, Score: 7, Valid: true, Objectives: []float64{0.5, 0.5}},
		{ID: 8, Parents: []int64{1}, Score: 99, Valid: false, Objectives: []float64{9, 9}},
		{ID: 9, Parents: []int64{1}, Score: 98, Valid: true, Objectives: []float64{9, nan}},
		{ID: 10, Parents: []int64{1}, Score: 97, Valid: true, Objectives: []float64{9}},
	}
}

func TestParetoTournament(t *testing.T) {
	s := mustNew(t, "pareto", Options{})
	for _, n := range paretoNodes() {
		s.Add(n)
	}
	const draws = 20000
	parents := map[int64]int{}
	rng := newRNG(7)
	for range draws {
		ctx := s.Sample(rng, 1)
		if len(ctx) != 1 {
			t.Fatalf("Sample(1) returned %d nodes", len(ctx))
		}
		parents[ctx[0].ID]++
	}
	for _, id := range []int64{8, 9, 10} {
		if parents[id] > 0 {
			t.Errorf("node %d, off every front, was the parent %d times", id, parents[id])
		}
	}
	// With 7 members, a node wins when drawn against any it beats:
	// P(win) = (2/7) * (beaten / 6). The extremes 1 and 4 beat the 5 others
	// but each other (tie on crowding, lower ID wins: 1 beats 4), 2 and 3
	// beat 5, 6, 7 (3 beats 2 on crowding), 5 and 6 beat 7 (both extremes
	// of their front: 5 beats 6 by ID), 7 beats none.
	beaten := map[int64]float64{1: 6, 4: 5, 3: 4, 2: 3, 5: 2, 6: 1, 7: 0}
	for id, b := range beaten {
		want := draws * 2 / 7.0 * b / 6
		if got := float64(parents[id]); math.Abs(got-want) > 4*math.Sqrt(want+1) {
			t.Errorf("node %d parent %v times, want about %.0f", id, got, want)
		}
	}
}

func TestParetoContext(t *testing.T) {
	s := mustNew(t, "pareto", Options{})
	for _, n := range paretoNodes() {
		s.Add(n)
	}
	rng := newRNG(1)
	for range 200 {
		ctx := s.Sample(rng, 4)
		var want []int64
		switch ctx[0].ID {
		case 1:
			want = []int64{1, 4, 3, 2} // extremes first, then 3 (1.625) before 2 (1.5)
		case 3:
			want = []int64{3, 1, 4, 2}
		case 6:
			want = []int64{6, 5, 7} // its front, then the next one
		default:
			continue
		}
		if diff := cmp.Diff(want, ids(ctx)); diff != "" {
			t.Fatalf("context (-want +got):\n%s", diff)
		}
	}
}

func TestParetoDeterministicAndRebuilt(t *testing.T) {
	nodes := paretoNodes()
	draw := func(added []Node, seed uint64) [][]int64 {
		s := mustNew(t, "pareto", Options{})
		for _, n := range added {
			s.Add(n)
		}
		rng := newRNG(seed)
		var out [][]int64
		for range 50 {
			out = append(out, ids(s.Sample(rng, 3)))
		}
		return out
	}
	first := draw(nodes, 3)
	// Added twice, as a resume that replays stored nodes might.
	if diff := cmp.Diff(first, draw(append(nodes, nodes...), 3)); diff != "" {
		t.Errorf("a rebuilt sampler answers differently (-first +rebuilt):\n%s", diff)
	}
	if cmp.Equal(first, draw(nodes, 4)) {
		t.Error("another seed drew the same 50 contexts")
	}
}

func TestParetoFallsBackToScore(t *testing.T) {
	s := mustNew(t, "pareto", Options{})
	if got := s.Sample(newRNG(1), 2); got != nil {
		t.Fatalf("empty sampler returned %v", ids(got))
	}
	s.Add(Node{ID: 1, Score: 1, Valid: true})
	s.Add(Node{ID: 2, Score: 5, Valid: true, Objectives: []float64{1, math.NaN()}})
	s.Add(Node{ID: 3, Score: 9, Valid: false, Objectives: []float64{1, 1}})
	if diff := cmp.Diff([]int64{2, 1}, ids(s.Sample(newRNG(1), 2))); diff != "" {
		t.Errorf("with no node on a front, context (-want +got):\n%s", diff)
	}
	s.Add(Node{ID: 4, Parents: []int64{1}, Score: 0, Valid: true, Objectives: []float64{0, 0}})
	if got := ids(s.Sample(newRNG(1), 2)); !cmp.Equal(got, []int64{4}) {
		t.Errorf("with one node on a front, context %v, want [4]", got)
	}
}
