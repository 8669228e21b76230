package sampling

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGreedy(t *testing.T) {
	s := mustNew(t, "greedy", Options{})
	for _, n := range []Node{
		{ID: 1, Score: 5, Valid: true},
		{ID: 2, Score: 9, Valid: false},
		{ID: 3, Score: 7, Valid: true},
		{ID: 4, Score: 7, Valid: true},
		{ID: 5, Score: math.NaN(), Valid: true},
		{ID: 6, Score: 3, Valid: true},
	} {
		s.Add(n)
	}
	tests := []struct {
		name string
		n    int
		want []int64
	}{
		{name: "three", n: 3, want: []int64{3, 4, 1}},
		{name: "zero counts as one", n: 0, want: []int64{3}},
		{name: "more than there are; NaN last", n: 100, want: []int64{3, 4, 1, 6, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ids(s.Sample(newRNG(1), tt.n))); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	}
	rng := newRNG(2)
	for i := range 10000 {
		if got := s.Sample(rng, 2)[0].ID; got != 3 {
			t.Fatalf("draw %d: parent %d, want the best, 3", i, got)
		}
	}
	s.Add(Node{ID: 7, Parents: []int64{3}, Score: 8, Valid: true})
	if got := s.Sample(rng, 1)[0].ID; got != 7 {
		t.Errorf("after a better child: parent %d, want 7", got)
	}
}

func TestRandomIsUniform(t *testing.T) {
	s := mustNew(t, "random", Options{})
	for id := int64(1); id <= 15; id++ {
		// Nodes 11..15 are invalid and score best.
		s.Add(Node{ID: id, Score: float64(id * id), Valid: id <= 10})
	}
	const draws = 10000
	parents := map[int64]int{}
	members := map[int64]int{}
	rng := newRNG(11)
	for range draws {
		ctx := s.Sample(rng, 3)
		if len(ctx) != 3 {
			t.Fatalf("Sample(3) returned %d nodes", len(ctx))
		}
		seen := map[int64]bool{}
		for _, n := range ctx {
			if seen[n.ID] || !n.Valid {
				t.Fatalf("context %v repeats a node or holds an invalid one", ids(ctx))
			}
			seen[n.ID] = true
			members[n.ID]++
		}
		parents[ctx[0].ID]++
	}
	// 27.88 is the 0.999 quantile of chi-square with 9 degrees of freedom.
	if stat := chiSquare(parents, 10); stat > 27.88 {
		t.Errorf("parent counts %v: chi-square %.1f, not uniform", parents, stat)
	}
	for id, c := range members {
		if want := draws * 3 / 10; math.Abs(float64(c-want)) > 0.05*float64(want) {
			t.Errorf("node %d in %d contexts, want about %d", id, c, want)
		}
	}
	if got := s.Sample(rng, 50); len(got) != 10 {
		t.Errorf("Sample(50) returned %d nodes, want all 10 valid ones", len(got))
	}
}
