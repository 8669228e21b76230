package sampling

import (
	"cmp"
	"math/rand/v2"
	"slices"

	"github.com/asi-evolve/asi/core/pareto"
)

// paretoSampler edits the nodes of the best Pareto fronts, spread along
// each front (NSGA-II's selection):
//
//   - A node is on a front when it is valid and its Objectives hold D
//     finite values, D being the length of the first such node's (two at
//     least). Other valid nodes are never the parent while one such node
//     exists; when none does, the parent is the best by Score.
//   - The nodes are sorted into fronts (rank 0 dominated by no node, rank 1
//     dominated only by rank 0, ...) and each gets its crowding distance
//     within its front.
//   - The parent wins a binary tournament: two distinct nodes drawn
//     uniformly, the lower rank wins, then the larger crowding distance,
//     then the lower ID.
//   - The context is the other members of the parent's front, largest
//     crowding distance first, then the following fronts in rank order.
//
// The ranks are recomputed, O(D n²), before the first Sample after an Add.
type paretoSampler struct {
	pop  population
	dims int
	// members are the nodes that can be on a front, in the order added.
	members []*entry
	// rank and crowding are indexed like members; stale when nodes were
	// added since they were computed.
	rank     []int
	crowding []float64
	fronts   [][]int // indexes into members, best crowding first
	stale    bool
}

func newPareto() *paretoSampler { return &paretoSampler{pop: newPopulation()} }

func (*paretoSampler) Name() string { return "pareto" }

func (s *paretoSampler) Add(n Node) {
	e := s.pop.add(n)
	if e == nil || !n.Valid || len(n.Objectives) < 2 || !pareto.Finite(n.Objectives) {
		return
	}
	if s.dims == 0 {
		s.dims = len(n.Objectives)
	}
	if len(n.Objectives) != s.dims {
		return
	}
	s.members = append(s.members, e)
	s.stale = true
}

// sort recomputes the fronts and crowding distances.
func (s *paretoSampler) sort() {
	points := make([]pareto.Point, len(s.members))
	for i, e := range s.members {
		points[i] = e.node.Objectives
	}
	s.rank = make([]int, len(points))
	s.crowding = make([]float64, len(points))
	s.fronts = pareto.Ranks(points)
	for r, front := range s.fronts {
		sub := make([]pareto.Point, len(front))
		for k, i := range front {
			s.rank[i] = r
			sub[k] = points[i]
		}
		for k, d := range pareto.Crowding(sub) {
			s.crowding[front[k]] = d
		}
		slices.SortStableFunc(front, func(a, b int) int {
			if c := cmp.Compare(s.crowding[b], s.crowding[a]); c != 0 {
				return c
			}
			return cmp.Compare(s.members[a].node.ID, s.members[b].node.ID)
		})
	}
	s.stale = false
}

// wins reports whether member a beats member b in a tournament.
func (s *paretoSampler) wins(a, b int) bool {
	switch {
	case s.rank[a] != s.rank[b]:
		return s.rank[a] < s.rank[b]
	case s.crowding[a] != s.crowding[b]:
		return s.crowding[a] > s.crowding[b]
	}
	return s.members[a].node.ID < s.members[b].node.ID
}

func (s *paretoSampler) Sample(rng *rand.Rand, n int) []Node {
	n = max(n, 1)
	if len(s.members) == 0 {
		r := s.pop.rank()
		if r.Len() == 0 {
			return nil
		}
		return contextAfter(r, r.At(0), n)
	}
	if s.stale {
		s.sort()
	}
	pick := distinct(rng, len(s.members), 2)
	parent := pick[0]
	if len(pick) == 2 && s.wins(pick[1], parent) {
		parent = pick[1]
	}
	out := []Node{s.members[parent].node}
	for _, front := range s.fronts[s.rank[parent]:] {
		for _, i := range front {
			if len(out) >= n {
				return out
			}
			if i != parent {
				out = append(out, s.members[i].node)
			}
		}
	}
	return out
}

func (*paretoSampler) Island(Node) int { return 0 }

var _ Sampler = (*paretoSampler)(nil)
