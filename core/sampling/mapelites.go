package sampling

import "math/rand/v2"

// mapElites keeps the best node (the elite) of each cell of a feature grid
// and samples cells, not nodes, so that every niche found gets edited as
// often as every other, however low it scores.
//
//   - The grid has GridBins bins on each of D feature dimensions
//     (Options.FeatureDims, or the length of the first valid node's
//     Features that has any). The bins of a dimension split [min, max] of
//     the values seen so far evenly; when a new value widens a range, every
//     node is placed again before the next Sample.
//   - A valid node whose Features has not exactly D finite values (none at
//     all, for one) goes to one extra shared cell.
//   - A cell's elite is its node with the highest score; on a tie the
//     earlier node stays.
//   - Sample picks distinct occupied cells uniformly at random; the first
//     cell's elite is the parent and the others' elites are the context.
type mapElites struct {
	pop  population
	grid *grid
}

func newMapElites(opt Options) *mapElites {
	return &mapElites{pop: newPopulation(), grid: newGrid(opt.GridBins, opt.FeatureDims)}
}

func (*mapElites) Name() string { return "map_elites" }

func (s *mapElites) Add(n Node) {
	e := s.pop.add(n)
	if e == nil || !n.Valid {
		return
	}
	if s.grid.dims == 0 && len(n.Features) > 0 {
		s.grid.dims = len(n.Features)
	}
	s.grid.add(e)
}

func (s *mapElites) Sample(rng *rand.Rand, n int) []Node {
	s.grid.refresh()
	order := s.grid.order
	if len(order) == 0 {
		return nil
	}
	var out []Node
	for _, i := range distinct(rng, len(order), max(n, 1)) {
		out = append(out, order[i].elite.node)
	}
	return out
}

func (*mapElites) Island(Node) int { return 0 }

var _ Sampler = (*mapElites)(nil)
