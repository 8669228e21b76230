package sampling

import (
	"math"
	"slices"
	"strconv"
)

// grid is one MAP-Elites grid: the best node (the elite) of each cell.
//
//   - It has bins bins on each of dims feature dimensions. The bins of a
//     dimension split [min, max] of the values seen so far evenly; when a
//     new value widens a range, every member is placed again before the
//     cells are next read (refresh).
//   - A member whose Features has not exactly dims finite values (none at
//     all, for one) goes to one extra shared cell.
//   - A cell's elite is its member with the highest score; on a tie the
//     earlier member stays.
type grid struct {
	bins    int
	dims    int      // set by the owner; 0 puts every member in the shared cell
	members []*entry // in the order added
	in      map[int64]bool
	lo      []float64
	hi      []float64
	cells   map[string]*cell
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

func newGrid(bins, dims int) *grid {
	return &grid{bins: bins, dims: dims, in: map[int64]bool{}, cells: map[string]*cell{}}
}

// add places e in the grid; a node already there is not added twice.
func (g *grid) add(e *entry) {
	if g.in[e.node.ID] {
		return
	}
	g.in[e.node.ID] = true
	g.members = append(g.members, e)
	if f := g.features(e); f != nil {
		g.widen(f)
	}
	if !g.stale {
		g.place(e)
	}
}

// widen grows the bin ranges to hold f; when they grow, the grid is stale
// and the next refresh places every member again. Deferring the rebuild
// keeps adding many nodes at once (a resumed campaign) linear.
func (g *grid) widen(f []float64) {
	if g.lo == nil {
		g.lo, g.hi = slices.Clone(f), slices.Clone(f)
		g.stale = true
		return
	}
	for d, v := range f {
		if v < g.lo[d] {
			g.lo[d], g.stale = v, true
		}
		if v > g.hi[d] {
			g.hi[d], g.stale = v, true
		}
	}
}

// features returns e's feature values when they fit the grid, else nil.
func (g *grid) features(e *entry) []float64 {
	f := e.node.Features
	if g.dims == 0 || len(f) != g.dims {
		return nil
	}
	for _, v := range f {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
	}
	return f
}

// refresh places every member again when the ranges grew, in the order
// they were added, which gives the same cells as placing them one by one
// with the current ranges.
func (g *grid) refresh() {
	if !g.stale {
		return
	}
	clear(g.cells)
	g.order = g.order[:0]
	for _, e := range g.members {
		g.place(e)
	}
	g.stale = false
}

func (g *grid) place(e *entry) {
	g.keyBuf = g.appendKey(g.keyBuf[:0], e)
	c := g.cells[string(g.keyBuf)] // a lookup by converted bytes does not allocate
	switch {
	case c == nil:
		c = &cell{elite: e}
		g.cells[string(g.keyBuf)] = c
		g.order = append(g.order, c)
	case scoreKey(e.node.Score) > scoreKey(c.elite.node.Score):
		c.elite = e
	}
}

// appendKey appends the name of e's cell: its bin on each dimension, or
// sharedCell.
func (g *grid) appendKey(buf []byte, e *entry) []byte {
	f := g.features(e)
	if f == nil {
		return append(buf, sharedCell...)
	}
	for d, v := range f {
		if d > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, int64(g.bin(d, v)), 10)
	}
	return buf
}

// bin returns v's bin on dimension d, in [0, bins).
func (g *grid) bin(d int, v float64) int {
	lo, hi := g.lo[d], g.hi[d]
	if !(hi > lo) {
		return 0
	}
	i := int((v - lo) / (hi - lo) * float64(g.bins))
	return min(max(i, 0), g.bins-1)
}

// elites returns the elites in the order their cells were first occupied.
func (g *grid) elites() []*entry {
	g.refresh()
	out := make([]*entry, len(g.order))
	for i, c := range g.order {
		out[i] = c.elite
	}
	return out
}

// best returns the grid's elites best first (higher score, then lower ID).
func (g *grid) best() ranking {
	var r ranking
	for _, e := range g.elites() {
		r.insert(e)
	}
	return r
}
