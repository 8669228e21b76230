package sampling

import (
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// elites returns the sorted IDs of every cell's elite, by asking for more
// nodes than there are cells.
func elites(s Sampler) []int64 {
	got := ids(s.Sample(newRNG(1), 1000))
	slices.Sort(got)
	return got
}

// TestMapElitesCellsDrawnEqually places eight elites of very different
// scores in eight cells, with weaker nodes beside them, and checks that
// each elite is the parent about one time in eight.
func TestMapElitesCellsDrawnEqually(t *testing.T) {
	s := mustNew(t, "map_elites", Options{GridBins: 4, FeatureDims: 2})
	id := int64(1)
	for cell := range 8 {
		x, y := float64(cell%4), float64(cell/4)*3
		// The elite scores 10^cell; two weaker nodes share its cell.
		for _, score := range []float64{math.Pow(10, float64(cell)), -1, -2} {
			s.Add(Node{ID: id, Score: score, Valid: true, Features: []float64{x, y}})
			id++
		}
	}
	want := []int64{1, 4, 7, 10, 13, 16, 19, 22}
	if diff := cmp.Diff(want, elites(s)); diff != "" {
		t.Fatalf("elites (-want +got):\n%s", diff)
	}
	const draws = 10000
	parents := map[int64]int{}
	rng := newRNG(21)
	for range draws {
		ctx := s.Sample(rng, 3)
		parents[ctx[0].ID]++
		if len(ctx) != 3 || ctx[0].ID == ctx[1].ID || ctx[1].ID == ctx[2].ID || ctx[0].ID == ctx[2].ID {
			t.Fatalf("context %v: want three distinct elites", ids(ctx))
		}
	}
	for p := range parents {
		if !slices.Contains(want, p) {
			t.Fatalf("node %d, not an elite, was a parent", p)
		}
	}
	// 24.32 is the 0.999 quantile of chi-square with 7 degrees of freedom.
	if stat := chiSquare(parents, 8); stat > 24.32 {
		t.Errorf("parent counts %v: chi-square %.1f, cells not drawn equally", parents, stat)
	}
	if best := parents[22]; best > draws/4 {
		t.Errorf("the global best was the parent %d times in %d", best, draws)
	}
}

func TestMapElitesEliteReplacement(t *testing.T) {
	tests := []struct {
		name  string
		nodes []Node
		want  []int64
	}{
		{
			name: "better node replaces the elite",
			nodes: []Node{
				{ID: 1, Score: 1, Valid: true, Features: []float64{0}},
				{ID: 2, Score: 1, Valid: true, Features: []float64{10}},
				{ID: 3, Score: 2, Valid: true, Features: []float64{0.5}},
			},
			want: []int64{2, 3},
		},
		{
			name: "worse node does not",
			nodes: []Node{
				{ID: 1, Score: 1, Valid: true, Features: []float64{0}},
				{ID: 2, Score: 1, Valid: true, Features: []float64{10}},
				{ID: 3, Score: 0.5, Valid: true, Features: []float64{0.5}},
			},
			want: []int64{1, 2},
		},
		{
			name: "equal score keeps the earlier",
			nodes: []Node{
				{ID: 1, Score: 1, Valid: true, Features: []float64{0}},
				{ID: 2, Score: 1, Valid: true, Features: []float64{10}},
				{ID: 3, Score: 1, Valid: true, Features: []float64{0.5}},
			},
			want: []int64{1, 2},
		},
		{
			name: "invalid node is no elite",
			nodes: []Node{
				{ID: 1, Score: 1, Valid: true, Features: []float64{0}},
				{ID: 2, Score: 1, Valid: true, Features: []float64{10}},
				{ID: 3, Score: 9, Valid: false, Features: []float64{0.5}},
			},
			want: []int64{1, 2},
		},
		{
			name: "nodes without features share one cell",
			nodes: []Node{
				{ID: 1, Score: 1, Valid: true},
				{ID: 2, Score: 3, Valid: true},
				{ID: 3, Score: 2, Valid: true, Features: []float64{}},
			},
			want: []int64{2},
		},
		{
			name: "wrong length or non-finite features go to the shared cell",
			nodes: []Node{
				{ID: 1, Score: 1, Valid: true, Features: []float64{0}},
				{ID: 2, Score: 1, Valid: true, Features: []float64{10}},
				{ID: 3, Score: 5, Valid: true, Features: []float64{1, 2}},
				{ID: 4, Score: 6, Valid: true, Features: []float64{math.NaN()}},
				{ID: 5, Score: 7, Valid: true},
			},
			want: []int64{1, 2, 5},
		},
		{
			// Bins 2 over [0, 1] split 0 and 1; the node at 10 widens the
			// range to [0, 10], where 0 and 1 share bin 0.
			name: "widening the range re-bins every node",
			nodes: []Node{
				{ID: 1, Score: 1, Valid: true, Features: []float64{0}},
				{ID: 2, Score: 2, Valid: true, Features: []float64{1}},
				{ID: 3, Score: 0.1, Valid: true, Features: []float64{10}},
			},
			want: []int64{2, 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustNew(t, "map_elites", Options{GridBins: 2})
			for _, n := range tt.nodes {
				s.Add(n)
			}
			if diff := cmp.Diff(tt.want, elites(s)); diff != "" {
				t.Errorf("elites (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMapElitesGridBins(t *testing.T) {
	s := mustNew(t, "map_elites", Options{GridBins: 5, FeatureDims: 1})
	// Values 0..9 over 5 bins: two per bin; the later of each pair scores
	// more.
	for id := int64(1); id <= 10; id++ {
		s.Add(Node{ID: id, Score: float64(id), Valid: true, Features: []float64{float64(id - 1)}})
	}
	if diff := cmp.Diff([]int64{2, 4, 6, 8, 10}, elites(s)); diff != "" {
		t.Errorf("elites (-want +got):\n%s", diff)
	}
}

// BenchmarkMapElitesGrowing runs steps whose first feature always grows,
// the worst case for re-binning: every step places every node again.
func BenchmarkMapElitesGrowing(b *testing.B) {
	rng := newRNG(1)
	for b.Loop() {
		s := mustNew(b, "map_elites", Options{FeatureDims: 2})
		for id := int64(1); id <= 2000; id++ {
			s.Add(Node{ID: id, Score: float64(id % 17), Valid: true, Features: []float64{float64(id), float64(id % 13)}})
			s.Sample(rng, 3)
		}
	}
}

// BenchmarkMapElitesResume adds 10,000 nodes with growing features at once,
// as a resumed campaign does, then samples once.
func BenchmarkMapElitesResume(b *testing.B) {
	rng := newRNG(1)
	for b.Loop() {
		s := mustNew(b, "map_elites", Options{FeatureDims: 2})
		for id := int64(1); id <= 10000; id++ {
			s.Add(Node{ID: id, Score: float64(id % 17), Valid: true, Features: []float64{float64(id), float64(id % 13)}})
		}
		s.Sample(rng, 3)
	}
}
