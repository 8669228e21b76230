package sampling

import "math/rand/v2"

// greedy always edits the best valid node; the context is the next best.
// It ignores the random source.
type greedy struct{ pop population }

func newGreedy() *greedy { return &greedy{pop: newPopulation()} }

func (*greedy) Name() string { return "greedy" }

func (s *greedy) Add(n Node) { s.pop.add(n) }

func (s *greedy) Sample(_ *rand.Rand, n int) []Node {
	r := s.pop.rank()
	if r.Len() == 0 {
		return nil
	}
	return contextAfter(r, r.At(0), max(n, 1))
}

func (*greedy) Island(Node) int { return 0 }

var _ Sampler = (*greedy)(nil)
