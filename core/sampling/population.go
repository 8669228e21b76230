package sampling

import (
	"math"
	"math/rand/v2"
	"sort"
)

// entry is one added node and its visit counts.
type entry struct {
	node Node
	// children counts added nodes whose first parent is this node, valid
	// or not.
	children int32
	// pending counts Sample calls that chose this node as parent and whose
	// child has not been added yet.
	pending int32
}

// visits is n_i of UCB1: children stored plus children in flight.
func (e *entry) visits() int { return int(e.children) + int(e.pending) }

// population holds every added node and ranks the valid ones. It is the
// part all samplers share.
type population struct {
	byID entries
	// ranked holds the valid nodes, best first, once unplaced is merged
	// in: read it through rank.
	ranked rankList
	// unplaced holds valid nodes added since ranked was last read. A
	// resume adds every stored node before the first read; placing them
	// one by one would move the ranking once per node (quadratic: minutes
	// at a million nodes), so they are sorted and merged in one pass.
	unplaced []*entry
	// visits is the sum of visits over all entries.
	visits int
}

func newPopulation() population {
	return population{}
}

// add records n and counts it as a child of its first parent, turning one
// of that parent's pending visits into a stored one. It returns nil when a
// node with the same ID was added before; the repeat is ignored.
func (p *population) add(n Node) *entry {
	if p.byID.get(n.ID) != nil {
		return nil
	}
	e := p.byID.add(n)
	if len(n.Parents) > 0 {
		if parent := p.byID.get(n.Parents[0]); parent != nil {
			parent.children++
			if parent.pending > 0 {
				parent.pending--
			} else {
				p.visits++
			}
		}
	}
	if n.Valid {
		p.unplaced = append(p.unplaced, e)
	}
	return e
}

// rank returns the valid nodes, best first, placing those added since the
// last call.
func (p *population) rank() *rankList {
	switch {
	case len(p.unplaced) == 0:
	case len(p.unplaced) <= placeOneByOne:
		for _, e := range p.unplaced {
			p.ranked.insert(e)
		}
	default:
		p.ranked.merge(p.unplaced)
	}
	clear(p.unplaced)
	p.unplaced = p.unplaced[:0]
	return &p.ranked
}

// placeOneByOne is the most entries rank inserts one at a time; more are
// sorted and merged, which moves the ranking once.
const placeOneByOne = 16

// sampled counts e as chosen for a child that is not stored yet.
func (p *population) sampled(e *entry) {
	e.pending++
	p.visits++
}

// scoreKey orders scores; NaN ranks below every number.
func scoreKey(s float64) float64 {
	if math.IsNaN(s) {
		return math.Inf(-1)
	}
	return s
}

// better reports whether a ranks before b: higher score, then lower ID.
func better(a, b *entry) bool {
	ka, kb := scoreKey(a.node.Score), scoreKey(b.node.Score)
	if ka != kb {
		return ka > kb
	}
	return a.node.ID < b.node.ID
}

// ranking is a list of entries kept best first.
type ranking []*entry

// insert puts e at its place, O(len) for the move.
func (r *ranking) insert(e *entry) {
	i := sort.Search(len(*r), func(i int) bool { return better(e, (*r)[i]) })
	*r = append(*r, nil)
	copy((*r)[i+1:], (*r)[i:])
	(*r)[i] = e
}

// merge returns r with the entries of add placed, in a new slice; add is
// sorted in place. The order is the one insert gives: better is a strict
// order (ids are unique).
func (r ranking) merge(add []*entry) ranking {
	sort.Slice(add, func(i, j int) bool { return better(add[i], add[j]) })
	out := make(ranking, 0, len(r)+len(add))
	i, j := 0, 0
	for i < len(r) && j < len(add) {
		if better(add[j], r[i]) {
			out = append(out, add[j])
			j++
		} else {
			out = append(out, r[i])
			i++
		}
	}
	out = append(out, r[i:]...)
	return append(out, add[j:]...)
}

// contextAfter returns parent followed by the best entries of r other than
// parent, n nodes at most.
func contextAfter(r ranked, parent *entry, n int) []Node {
	out := []Node{parent.node}
	for e := range r.All() {
		if len(out) >= n {
			break
		}
		if e != parent {
			out = append(out, e.node)
		}
	}
	return out
}

// ucbPick returns the entry of r maximising
//
//	norm(score) + c*sqrt(ln N / n_i)
//
// where norm is min-max over r, n_i the entry's visits and N the sum of
// visits over r. Entries never visited come first, best score first. Ties
// go to the entry ranked first (higher score, then lower ID). r must not be
// empty. It reads every entry of r; visitGroups answers alike from a few.
func ucbPick(r ranked, c float64) *entry {
	total := 0
	for e := range r.All() {
		if e.visits() == 0 {
			return e // r is best first, so this is the best unvisited
		}
		total += e.visits()
	}
	lo, hi := finiteExtremes(r)
	lnN := math.Log(float64(total))
	var (
		pick *entry
		best = math.Inf(-1)
	)
	for e := range r.All() {
		v := norm(e.node.Score, lo, hi) + c*math.Sqrt(lnN/float64(e.visits()))
		if v > best {
			pick, best = e, v
		}
	}
	return pick
}

// finiteExtremes returns the lowest and highest finite score of r, found
// from its two ends as r is sorted; +Inf and -Inf when it has none.
func finiteExtremes(r ranked) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for e := range r.All() {
		if s := e.node.Score; finite(s) {
			hi = s
			break
		}
	}
	for e := range r.Backward() {
		if s := e.node.Score; finite(s) {
			lo = s
			break
		}
	}
	return lo, hi
}

// norm is normalise computed as ucbPick always has. It never grows down
// the ranking (rounding is monotone and d*(1/d) never exceeds 1, which
// +Inf scores), so the best ranked entry of a visit count has the largest
// UCB1 value of its count.
func norm(s, lo, hi float64) float64 {
	if finite(s) && hi > lo {
		return (s - lo) * (1 / (hi - lo))
	}
	return normalise(s, lo, hi)
}

func finite(s float64) bool { return !math.IsInf(s, 0) && !math.IsNaN(s) }

// normalise maps s to [0, 1] over [lo, hi]; +Inf is 1, -Inf and NaN are 0,
// and every score is 1 when all finite scores are equal.
func normalise(s, lo, hi float64) float64 {
	switch {
	case math.IsNaN(s) || math.IsInf(s, -1):
		return 0
	case math.IsInf(s, 1) || !(hi > lo):
		return 1
	}
	return (s - lo) / (hi - lo)
}

// distinct draws k distinct indexes from [0, n) uniformly, in random order,
// in O(k): a Fisher-Yates shuffle that records only the swapped slots.
func distinct(rng *rand.Rand, n, k int) []int {
	k = min(k, n)
	out := make([]int, k)
	swapped := make(map[int]int, k)
	at := func(i int) int {
		if v, ok := swapped[i]; ok {
			return v
		}
		return i
	}
	for i := range k {
		j := i + rng.IntN(n-i)
		out[i] = at(j)
		swapped[j] = at(i)
	}
	return out
}

// entries holds the entries of a population by node id. A campaign's ids
// are dense (a node's id is its step + 1), so they index a slice; an id
// far beyond the others goes to a map. Entries are allocated in blocks:
// at a million nodes the per-object rounding and the map's slots would
// cost a fifth of the sampler's memory.
type entries struct {
	dense  []*entry
	sparse map[int64]*entry
	block  []entry // the current block; entries are never freed
}

// entryBlock is how many entries are allocated at once.
const entryBlock = 1024

func (m *entries) get(id int64) *entry {
	if id >= 0 && id < int64(len(m.dense)) && m.dense[id] != nil {
		return m.dense[id]
	}
	return m.sparse[id] // an id stored before the slice reached it
}

// add stores a new entry for n, whose id is not stored yet.
func (m *entries) add(n Node) *entry {
	if len(m.block) == cap(m.block) {
		m.block = make([]entry, 0, entryBlock)
	}
	m.block = append(m.block, entry{node: n})
	e := &m.block[len(m.block)-1]
	switch {
	case n.ID >= 0 && n.ID < int64(len(m.dense)):
		m.dense[n.ID] = e
	case n.ID >= 0 && n.ID <= 2*int64(len(m.dense))+entryBlock:
		m.dense = append(m.dense, make([]*entry, n.ID+1-int64(len(m.dense)))...)
		m.dense[n.ID] = e
	default:
		if m.sparse == nil {
			m.sparse = map[int64]*entry{}
		}
		m.sparse[n.ID] = e
	}
	return e
}
