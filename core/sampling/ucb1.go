package sampling

import "math/rand/v2"

// ucb1 picks the parent by the UCB1 rule over all valid nodes (see
// ucbPick), reading only the best node of each visit count
// (visitGroups); the context is the parent and then the best other nodes.
// Each Sample counts one pending visit for its parent. It ignores the
// random source.
type ucb1 struct {
	pop    population
	groups visitGroups
	c      float64
}

func newUCB1(opt Options) *ucb1 { return &ucb1{pop: newPopulation(), c: opt.Exploration} }

func (*ucb1) Name() string { return "ucb1" }

func (s *ucb1) Add(n Node) {
	var parent *entry
	before := 0
	if len(n.Parents) > 0 {
		if parent = s.pop.byID.get(n.Parents[0]); parent != nil {
			before = parent.visits()
		}
	}
	e := s.pop.add(n)
	if e == nil {
		return
	}
	if n.Valid {
		s.groups.added(e)
	}
	if parent != nil && parent.node.Valid && parent.visits() > before {
		s.groups.grew(parent)
	}
}

func (s *ucb1) Sample(_ *rand.Rand, n int) []Node {
	r := s.pop.rank()
	if r.Len() == 0 {
		return nil
	}
	parent := s.groups.pick(r, s.c)
	s.pop.sampled(parent)
	s.groups.grew(parent)
	return contextAfter(r, parent, max(n, 1))
}

func (*ucb1) Island(Node) int { return 0 }

var _ Sampler = (*ucb1)(nil)
