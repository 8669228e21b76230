package sampling

import "math/rand/v2"

// ucb1 picks the parent by the UCB1 rule over all valid nodes (see
// ucbPick); the context is the parent and then the best other nodes. Each
// Sample counts one pending visit for its parent. It ignores the random
// source.
type ucb1 struct {
	pop population
	c   float64
}

func newUCB1(opt Options) *ucb1 { return &ucb1{pop: newPopulation(), c: opt.Exploration} }

func (*ucb1) Name() string { return "ucb1" }

func (s *ucb1) Add(n Node) { s.pop.add(n) }

func (s *ucb1) Sample(_ *rand.Rand, n int) []Node {
	r := s.pop.rank()
	if len(r) == 0 {
		return nil
	}
	parent := ucbPick(r, s.c)
	s.pop.sampled(parent)
	return r.contextAfter(parent, max(n, 1))
}

func (*ucb1) Island(Node) int { return 0 }

var _ Sampler = (*ucb1)(nil)
