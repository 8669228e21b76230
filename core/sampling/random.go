package sampling

import "math/rand/v2"

// random draws the parent and the context uniformly among the valid nodes,
// without repeats.
type random struct{ pop population }

func newRandom() *random { return &random{pop: newPopulation()} }

func (*random) Name() string { return "random" }

func (s *random) Add(n Node) { s.pop.add(n) }

func (s *random) Sample(rng *rand.Rand, n int) []Node {
	r := s.pop.rank()
	if r.Len() == 0 {
		return nil
	}
	var out []Node
	for _, i := range distinct(rng, r.Len(), max(n, 1)) {
		out = append(out, r.At(i).node)
	}
	return out
}

func (*random) Island(Node) int { return 0 }

var _ Sampler = (*random)(nil)
