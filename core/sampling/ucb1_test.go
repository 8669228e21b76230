package sampling

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUCB1UnvisitedFirst(t *testing.T) {
	s := mustNew(t, "ucb1", Options{})
	for i, score := range []float64{3, 1, 4, 1, 5} {
		s.Add(Node{ID: int64(i + 1), Score: score, Valid: true})
	}
	// No child is added: each Sample's pending visit keeps the next Sample
	// off that parent, best score first, lower ID on a tie.
	var got []int64
	for range 5 {
		got = append(got, s.Sample(newRNG(1), 1)[0].ID)
	}
	if diff := cmp.Diff([]int64{5, 3, 1, 2, 4}, got); diff != "" {
		t.Errorf("first parents (-want +got):\n%s", diff)
	}
}

func TestUCB1ContextIsParentThenBest(t *testing.T) {
	s := mustNew(t, "ucb1", Options{})
	for i, score := range []float64{3, 1, 4, 1, 5} {
		s.Add(Node{ID: int64(i + 1), Score: score, Valid: true})
	}
	s.Add(Node{ID: 6, Parents: []int64{5}, Valid: false}) // node 5 visited
	s.Add(Node{ID: 7, Parents: []int64{3}, Valid: false}) // node 3 visited
	if diff := cmp.Diff([]int64{1, 5, 3}, ids(s.Sample(newRNG(1), 3))); diff != "" {
		t.Errorf("context (-want +got):\n%s", diff)
	}
}

func TestUCB1InvalidChildrenCountAsVisits(t *testing.T) {
	s := mustNew(t, "ucb1", Options{})
	s.Add(Node{ID: 1, Score: 1, Valid: true})
	s.Add(Node{ID: 2, Score: 1, Valid: true})
	s.Add(Node{ID: 3, Parents: []int64{1}, Score: 50, Valid: false})
	if got := s.Sample(newRNG(1), 1)[0].ID; got != 2 {
		t.Errorf("parent %d, want 2: node 1 has an invalid child and so a visit", got)
	}
}

func TestUCB1PendingBecomesChild(t *testing.T) {
	s := mustNew(t, "ucb1", Options{}).(*ucb1)
	s.Add(Node{ID: 1, Score: 1, Valid: true})
	s.Add(Node{ID: 2, Score: 2, Valid: true})
	p := s.Sample(newRNG(1), 1)[0].ID
	e := s.pop.byID.get(p)
	if p != 2 || e.pending != 1 || e.children != 0 {
		t.Fatalf("after Sample: parent %d pending %d children %d, want 2, 1, 0", p, e.pending, e.children)
	}
	s.Add(Node{ID: 3, Parents: []int64{2}, Valid: true})
	if e.pending != 0 || e.children != 1 || s.pop.visits != 1 {
		t.Errorf("after Add: pending %d children %d total %d, want 0, 1, 1", e.pending, e.children, s.pop.visits)
	}
	// A child with nothing pending (a resumed campaign) is still counted.
	s.Add(Node{ID: 4, Parents: []int64{2}, Valid: true})
	if e.pending != 0 || e.children != 2 || s.pop.visits != 2 {
		t.Errorf("after second Add: pending %d children %d total %d, want 0, 2, 2", e.pending, e.children, s.pop.visits)
	}
}

// TestUCB1FavoursHighScoresAndExplores runs a long campaign where every
// child is invalid, so only the ten seeds compete, and checks the shape of
// the parent counts.
func TestUCB1FavoursHighScoresAndExplores(t *testing.T) {
	s := mustNew(t, "ucb1", Options{})
	for i := range 10 {
		s.Add(Node{ID: int64(i + 1), Score: float64(i), Valid: true})
	}
	counts := make([]int, 10)
	id := int64(11)
	for range 10000 {
		p := s.Sample(newRNG(1), 1)[0]
		counts[p.ID-1]++
		s.Add(Node{ID: id, Parents: []int64{p.ID}, Valid: false})
		id++
	}
	for i := 1; i < 10; i++ {
		if counts[i] < counts[i-1] {
			t.Errorf("counts %v: score %d chosen less than score %d", counts, i, i-1)
		}
	}
	if counts[9] < 10*counts[0] {
		t.Errorf("counts %v: the best is not favoured", counts)
	}
	if counts[0] < 10 {
		t.Errorf("counts %v: the worst is not explored", counts)
	}
}

// TestUCB1ExplorationWeight checks that a larger constant spreads the
// choices: the best node's share shrinks.
func TestUCB1ExplorationWeight(t *testing.T) {
	bestShare := func(c float64) int {
		s := mustNew(t, "ucb1", Options{Exploration: c})
		for i := range 5 {
			s.Add(Node{ID: int64(i + 1), Score: float64(i), Valid: true})
		}
		best := 0
		for id := int64(6); id < 2006; id++ {
			p := s.Sample(newRNG(1), 1)[0]
			if p.ID == 5 {
				best++
			}
			s.Add(Node{ID: id, Parents: []int64{p.ID}, Valid: false})
		}
		return best
	}
	low, high := bestShare(0.1), bestShare(3)
	if low <= high {
		t.Errorf("best chosen %d times with c=0.1 and %d with c=3; want fewer with more exploration", low, high)
	}
}

func TestNormalise(t *testing.T) {
	tests := []struct {
		name      string
		s, lo, hi float64
		want      float64
	}{
		{name: "middle", s: 5, lo: 0, hi: 10, want: 0.5},
		{name: "equal range", s: 3, lo: 3, hi: 3, want: 1},
		{name: "plus infinity", s: math.Inf(1), lo: 0, hi: 1, want: 1},
		{name: "minus infinity", s: math.Inf(-1), lo: 0, hi: 1, want: 0},
		{name: "NaN", s: math.NaN(), lo: 0, hi: 1, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalise(tt.s, tt.lo, tt.hi); got != tt.want {
				t.Errorf("normalise(%v, %v, %v) = %v, want %v", tt.s, tt.lo, tt.hi, got, tt.want)
			}
		})
	}
}

func TestDistinctIsUniformPermutation(t *testing.T) {
	rng := newRNG(4)
	first := map[int64]int{}
	for range 10000 {
		got := distinct(rng, 6, 6)
		seen := map[int]bool{}
		for _, v := range got {
			if v < 0 || v >= 6 || seen[v] {
				t.Fatalf("distinct() = %v, not a permutation of 0..5", got)
			}
			seen[v] = true
		}
		first[int64(got[0])]++
	}
	if stat := chiSquare(first, 6); stat > 20.52 { // 0.999 quantile, 5 degrees of freedom
		t.Errorf("first element counts %v: chi-square %.1f", first, stat)
	}
	if got := distinct(rng, 3, 10); len(got) != 3 {
		t.Errorf("distinct(3, 10) has %d elements, want 3", len(got))
	}
}

func BenchmarkUCB1Sample(b *testing.B) {
	s := mustNew(b, "ucb1", Options{})
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 10000
	for id := int64(1); id <= n; id++ {
		s.Add(Node{ID: id, Score: rng.Float64(), Valid: true})
	}
	// One invalid child each, so no node is unvisited and every Sample
	// scans the whole population.
	for id := int64(1); id <= n; id++ {
		s.Add(Node{ID: n + id, Parents: []int64{id}, Valid: false})
	}
	b.ResetTimer()
	for b.Loop() {
		s.Sample(rng, 3)
	}
}

// BenchmarkUCB1Step measures what the engine asks of the sampler each
// step at a large campaign: add the last step's node, then sample.
func BenchmarkUCB1Step(b *testing.B) {
	s := mustNew(b, "ucb1", Options{})
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 100_000
	for id := int64(1); id <= n; id++ {
		s.Add(Node{ID: id, Parents: []int64{max(1, id/2)}, Score: rng.Float64(), Valid: true})
	}
	id := int64(n)
	b.ResetTimer()
	for b.Loop() {
		parent := s.Sample(rng, 3)[0]
		id++
		s.Add(Node{ID: id, Parents: []int64{parent.ID}, Score: rng.Float64(), Valid: true})
	}
}

// TestUCB1GroupsPickAsTheScan checks that the sampler, which reads only
// the best node of each visit count, picks the parent ucbPick's scan of
// every valid node picks: over random campaigns with tied, NaN and
// infinite scores, invalid children, resumed children and samples whose
// child never comes.
func TestUCB1GroupsPickAsTheScan(t *testing.T) {
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 7))
		s := mustNew(t, "ucb1", Options{Exploration: []float64{0.01, 0.5, math.Sqrt2, 3}[seed%4]}).(*ucb1)
		score := func() float64 {
			switch rng.IntN(40) {
			case 0:
				return math.NaN()
			case 1:
				return math.Inf(1)
			case 2:
				return math.Inf(-1)
			}
			return float64(rng.IntN(12)) / 4 // ties
		}
		id := int64(0)
		add := func(parent int64) {
			id++
			n := Node{ID: id, Score: score(), Valid: rng.IntN(5) != 0}
			if parent > 0 {
				n.Parents = []int64{parent}
			}
			s.Add(n)
		}
		for range 30 { // a resume: children of stored nodes, no samples
			add(rng.Int64N(id + 1))
		}
		for step := range 400 {
			r := s.pop.rank()
			if r.Len() == 0 {
				add(0)
				continue
			}
			want := ucbPick(r, s.c)
			got := s.Sample(rng, 2)[0]
			if got.ID != want.node.ID {
				t.Fatalf("seed %d step %d: the sampler picked node %d, the scan node %d", seed, step, got.ID, want.node.ID)
			}
			if rng.IntN(4) != 0 { // else the child never comes
				add(got.ID)
			}
		}
	}
}

// BenchmarkUCB1Resume measures a resume of a million-node campaign: every
// stored node added in id order, then the first sample.
func BenchmarkUCB1Resume(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 1_000_000
	nodes := make([]Node, n)
	for i := range nodes {
		id := int64(i + 1)
		nodes[i] = Node{ID: id, Parents: []int64{max(1, id/2)}, Score: rng.Float64(), Valid: id%5 != 0}
	}
	for b.Loop() {
		s := mustNew(b, "ucb1", Options{})
		for _, n := range nodes {
			s.Add(n)
		}
		s.Sample(rng, 3)
	}
}
