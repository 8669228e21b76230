package sampling

import "slices"

// Reseeder is a sampler with islands that can re-populate one of them when
// a campaign stalls. island and island_map_elites implement it.
type Reseeder interface {
	// Reseed replaces the members of the worst island, the one whose best
	// member scores lowest (an empty island first, then the lower index),
	// with diverse nodes of the whole archive, and returns that island and
	// the IDs now on it, best first. It adds no node: visits and children
	// stay as they were. Like Add, it is part of the sampler's history: a
	// sampler rebuilt from the same nodes and the same Reseed calls, at the
	// same points, answers the same way.
	Reseed() (island int, members []int64)
}

// worstIsland returns the island whose best score is lowest; bests[i] is
// nil for an empty island, which is worst of all.
func worstIsland(bests []*entry) int {
	worst := 0
	for i, b := range bests {
		w := bests[worst]
		switch {
		case w == nil:
			return worst
		case b == nil || scoreKey(b.node.Score) < scoreKey(w.node.Score):
			worst = i
		}
	}
	return worst
}

// Reseed implements Reseeder. Diverse means spread over the score range:
// the island gets m valid nodes at evenly spaced ranks of the archive,
// from the best to the worst, m being the archive's size over K rounded
// up (at most IslandCapacity).
func (s *islandSampler) Reseed() (int, []int64) {
	bests := make([]*entry, len(s.islands))
	for i, isl := range s.islands {
		if len(isl.members) > 0 {
			bests[i] = isl.members[0]
		}
	}
	worst := worstIsland(bests)
	archive := s.pop.rank()
	m := min((archive.Len()+len(s.islands)-1)/len(s.islands), IslandCapacity)
	fresh := island{in: map[int64]bool{}}
	for _, r := range spreadRanks(archive.Len(), m) {
		fresh.insert(archive.At(r))
	}
	s.islands[worst] = fresh
	return worst, entryIDs(fresh.members)
}

// spreadRanks returns m ranks of [0, n) evenly spaced from 0 to n-1, in
// increasing order; m is at most n.
func spreadRanks(n, m int) []int {
	switch {
	case m <= 0 || n == 0:
		return nil
	case m == 1:
		return []int{0}
	}
	out := make([]int, 0, m)
	for j := range m {
		r := (j*(n-1) + (m-1)/2) / (m - 1) // round(j*(n-1)/(m-1))
		if len(out) == 0 || r != out[len(out)-1] {
			out = append(out, r)
		}
	}
	return out
}

// Reseed implements Reseeder. Diverse means spread over the features: the
// island's grid is replaced by one holding the elite of every cell of a
// grid of the whole archive (its ranges span every valid node), so the
// island gets one node per niche the campaign has found.
func (s *islandGrids) Reseed() (int, []int64) {
	bests := make([]*entry, len(s.grids))
	for i, g := range s.grids {
		if best := g.best(); len(best) > 0 {
			bests[i] = best[0]
		}
	}
	worst := worstIsland(bests)
	archive := newGrid(s.opt.GridBins, s.opt.FeatureDims)
	for e := range s.pop.rank().All() { // best first: a cell keeps its best
		archive.add(e)
	}
	fresh := newGrid(s.opt.GridBins, s.opt.FeatureDims)
	for _, e := range archive.elites() {
		fresh.add(e)
	}
	s.grids[worst] = fresh
	return worst, entryIDs(fresh.best())
}

func entryIDs(r ranking) []int64 {
	out := make([]int64, len(r))
	for i, e := range r {
		out[i] = e.node.ID
	}
	return slices.Clip(out)
}

var (
	_ Reseeder = (*islandSampler)(nil)
	_ Reseeder = (*islandGrids)(nil)
)
