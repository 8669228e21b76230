package sampling

import (
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRankPlacesBulkAndSingleAddsAlike checks that nodes added in bulk
// (a resume) and one at a time (a running campaign) rank as sequential
// insertion into one slice ranks them: best score first, then lowest id,
// NaN last. Enough nodes that the list's chunks split.
func TestRankPlacesBulkAndSingleAddsAlike(t *testing.T) {
	rng := newRNG(3)
	var nodes []Node
	for id := int64(1); id <= 6*chunkSize; id++ {
		score := float64(rng.IntN(50)) // ties, broken by id
		if id%37 == 0 {
			score = math.NaN()
		}
		nodes = append(nodes, Node{ID: id, Score: score, Valid: id%9 != 0})
	}
	rng.Shuffle(len(nodes), func(i, j int) { nodes[i], nodes[j] = nodes[j], nodes[i] })
	tests := []struct {
		name  string
		reads []int // read the ranking after these many adds
	}{
		{name: "all at once", reads: []int{len(nodes)}},
		{name: "one at a time", reads: seq(1, len(nodes))},
		{name: "bulk then singles", reads: append([]int{300}, seq(301, len(nodes))...)},
		{name: "bulks", reads: []int{10, 17, 100, 117, 400, 2000, 2017, len(nodes)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p, byID = newPopulation(), newPopulation()
			var want ranking
			for i, n := range nodes {
				p.add(n)
				if e := byID.add(n); n.Valid {
					want.insert(e)
				}
				if slices.Contains(tt.reads, i+1) {
					if diff := cmp.Diff(rankedIDs(want), rankedIDs(p.rank())); diff != "" {
						t.Fatalf("after %d adds, ranking (-insert +rank):\n%s", i+1, diff)
					}
				}
			}
		})
	}
}

func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// rankedIDs lists r's ids best first, read forwards, backwards and by
// position, which must agree.
func rankedIDs(r ranked) []int64 {
	var out []int64
	for e := range r.All() {
		out = append(out, e.node.ID)
	}
	var backward []int64
	for e := range r.Backward() {
		backward = append(backward, e.node.ID)
	}
	slices.Reverse(backward)
	if !slices.Equal(out, backward) || len(out) != r.Len() {
		panic("a ranking read backwards or counted differs from the ranking read forwards")
	}
	for i, id := range out {
		if r.At(i).node.ID != id {
			panic("a ranking read by position differs from the ranking read forwards")
		}
	}
	return out
}

// TestEntriesFindEveryID checks the population's index by id, dense and
// sparse: ids far ahead of the others, ids the slice later grows over,
// and repeats.
func TestEntriesFindEveryID(t *testing.T) {
	tests := []struct {
		name string
		ids  []int64
	}{
		{name: "dense", ids: seqIDs(1, 3000)},
		{name: "far ahead, then grown over", ids: append([]int64{5000, 1 << 40}, seqIDs(1, 6000)...)},
		{name: "zero and negative", ids: []int64{0, -1, -7, 3, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPopulation()
			added := map[int64]bool{}
			for _, id := range tt.ids {
				e := p.add(Node{ID: id, Valid: true})
				if (e == nil) != added[id] {
					t.Fatalf("add(%d) = %v; added before: %v", id, e, added[id])
				}
				added[id] = true
			}
			for id := range added {
				if e := p.byID.get(id); e == nil || e.node.ID != id {
					t.Fatalf("get(%d) = %v", id, e)
				}
			}
			if e := p.byID.get(1 << 41); e != nil {
				t.Fatalf("get of an id never added = %v", e)
			}
		})
	}
}

func seqIDs(from, to int64) []int64 {
	var out []int64
	for id := from; id <= to; id++ {
		out = append(out, id)
	}
	return out
}
