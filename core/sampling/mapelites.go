package sampling

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

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
	pop   population
	bins  int
	dims  int
	valid []*entry // valid nodes in the order added
	lo    []float64
	hi    []float64
	cells map[string]*cell
	// order holds the occupied cells in the order they were first
	// occupied, which makes sampling independent of map iteration.
	order  []*cell
	keyBuf []byte
	// stale means the ranges grew since the cells were filled.
	stale bool
}

type cell struct{ elite *entry }

// sharedCell is the key of the cell for nodes without usable features.
const sharedCell = "-"

func newMapElites(opt Options) *mapElites {
	return &mapElites{pop: newPopulation(), bins: opt.GridBins, dims: opt.FeatureDims, cells: map[string]*cell{}}
}

func (*mapElites) Name() string { return "map_elites" }

func (s *mapElites) Add(n Node) {
	e := s.pop.add(n)
	if e == nil || !n.Valid {
		return
	}
	if s.dims == 0 && len(n.Features) > 0 {
		s.dims = len(n.Features)
	}
	s.valid = append(s.valid, e)
	if f := s.features(e); f != nil {
		s.widen(f)
	}
	if !s.stale {
		s.place(e)
	}
}

// widen grows the bin ranges to hold f; when they grow, the grid is stale
// and the next Sample places every node again. Deferring the rebuild keeps
// adding many nodes at once (a resumed campaign) linear.
func (s *mapElites) widen(f []float64) {
	if s.lo == nil {
		s.lo, s.hi = slices.Clone(f), slices.Clone(f)
		s.stale = true
		return
	}
	for d, v := range f {
		if v < s.lo[d] {
			s.lo[d], s.stale = v, true
		}
		if v > s.hi[d] {
			s.hi[d], s.stale = v, true
		}
	}
}

// features returns e's feature values when they fit the grid, else nil.
func (s *mapElites) features(e *entry) []float64 {
	f := e.node.Features
	if s.dims == 0 || len(f) != s.dims {
		return nil
	}
	for _, v := range f {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
	}
	return f
}

// rebuild places every valid node again, in the order they were added,
// which gives the same cells as placing them one by one with the current
// ranges.
func (s *mapElites) rebuild() {
	clear(s.cells)
	s.order = s.order[:0]
	for _, e := range s.valid {
		s.place(e)
	}
	s.stale = false
}

func (s *mapElites) place(e *entry) {
	s.keyBuf = s.appendKey(s.keyBuf[:0], e)
	c := s.cells[string(s.keyBuf)] // a lookup by converted bytes does not allocate
	switch {
	case c == nil:
		c = &cell{elite: e}
		s.cells[string(s.keyBuf)] = c
		s.order = append(s.order, c)
	case scoreKey(e.node.Score) > scoreKey(c.elite.node.Score):
		c.elite = e
	}
}

// appendKey appends the name of e's cell: its bin on each dimension, or
// sharedCell.
func (s *mapElites) appendKey(buf []byte, e *entry) []byte {
	f := s.features(e)
	if f == nil {
		return append(buf, sharedCell...)
	}
	for d, v := range f {
		if d > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, int64(s.bin(d, v)), 10)
	}
	return buf
}

// bin returns v's bin on dimension d, in [0, GridBins).
func (s *mapElites) bin(d int, v float64) int {
	lo, hi := s.lo[d], s.hi[d]
	if !(hi > lo) {
		return 0
	}
	i := int((v - lo) / (hi - lo) * float64(s.bins))
	return min(max(i, 0), s.bins-1)
}

func (s *mapElites) Sample(rng *rand.Rand, n int) []Node {
	if s.stale {
		s.rebuild()
	}
	if len(s.order) == 0 {
		return nil
	}
	var out []Node
	for _, i := range distinct(rng, len(s.order), max(n, 1)) {
		out = append(out, s.order[i].elite.node)
	}
	return out
}

func (*mapElites) Island(Node) int { return 0 }

var _ Sampler = (*mapElites)(nil)
