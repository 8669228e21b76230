package sampling

import (
	"math"
	"math/rand/v2"
)

// islandGrids is the island_map_elites sampler: islands that evolve apart,
// each keeping its own MAP-Elites grid, and exchange their best elites in a
// ring.
//
//   - A valid node joins the grid of island Island mod K (K =
//     Options.Islands). Each grid is a map_elites grid of its own: GridBins
//     bins per dimension over the ranges its own members span, one shared
//     cell for nodes without usable features, the best node of a cell its
//     elite (the earlier on a tie). D is Options.FeatureDims, or the length
//     of the first valid node's Features that has any, for every island.
//   - Sample visits the islands in turn as the island sampler does (it
//     starts at island V mod K, V the visits counted so far, and skips
//     islands with no valid node), then picks distinct occupied cells of
//     that island's grid uniformly at random: the first cell's elite is the
//     parent, the others' elites are the context. Every node returned has
//     Island set to the island it was drawn from, so that Island(parent)
//     keeps the child there.
//   - Every MigrationInterval added nodes (valid or not), each island's
//     best floor(MigrationRate * elites) elites, at least one, are copied
//     into the next island's grid, i -> i+1 mod K, where they compete for
//     their cell like any other node. The shares are taken before any copy.
//   - Island answers as the island sampler's does: parent.Island mod K, and
//     round robin for the zero Node.
type islandGrids struct {
	pop   population
	grids []*grid
	opt   Options
	added int
	roots rootDealer
}

func newIslandGrids(opt Options) *islandGrids {
	s := &islandGrids{pop: newPopulation(), opt: opt, grids: make([]*grid, opt.Islands)}
	for i := range s.grids {
		s.grids[i] = newGrid(opt.GridBins, opt.FeatureDims)
	}
	return s
}

func (*islandGrids) Name() string { return "island_map_elites" }

func (s *islandGrids) Add(n Node) {
	e := s.pop.add(n)
	if e == nil {
		return
	}
	s.added++
	s.roots.added(n)
	if n.Valid {
		if s.opt.FeatureDims == 0 && len(n.Features) > 0 {
			s.opt.FeatureDims = len(n.Features)
			for _, g := range s.grids {
				g.dims = s.opt.FeatureDims
			}
		}
		s.grids[s.wrap(n.Island)].add(e)
	}
	if s.added%s.opt.MigrationInterval == 0 {
		s.migrate()
	}
}

// migrate copies each island's best elites into the next island's grid.
func (s *islandGrids) migrate() {
	k := len(s.grids)
	if k < 2 {
		return
	}
	moving := make([]ranking, k)
	for i, g := range s.grids {
		best := g.best()
		if len(best) == 0 {
			continue
		}
		m := max(1, int(math.Floor(s.opt.MigrationRate*float64(len(best)))))
		moving[i] = best[:m]
	}
	for i, r := range moving {
		for _, e := range r {
			s.grids[(i+1)%k].add(e)
		}
	}
}

func (s *islandGrids) Sample(rng *rand.Rand, n int) []Node {
	k := len(s.grids)
	start := s.pop.visits % k
	for off := range k {
		i := (start + off) % k
		elites := s.grids[i].elites()
		if len(elites) == 0 {
			continue
		}
		var out []Node
		for _, j := range distinct(rng, len(elites), max(n, 1)) {
			node := elites[j].node
			node.Island = i
			out = append(out, node)
		}
		s.pop.sampled(s.pop.byID.get(out[0].ID))
		return out
	}
	return nil
}

func (s *islandGrids) Island(parent Node) int {
	if isNoParent(parent) {
		return s.roots.deal(len(s.grids))
	}
	return s.wrap(parent.Island)
}

// wrap maps any island number into [0, K).
func (s *islandGrids) wrap(i int) int {
	k := len(s.grids)
	return ((i % k) + k) % k
}

var _ Sampler = (*islandGrids)(nil)
