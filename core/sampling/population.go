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
	children int
	// pending counts Sample calls that chose this node as parent and whose
	// child has not been added yet.
	pending int
}

// visits is n_i of UCB1: children stored plus children in flight.
func (e *entry) visits() int { return e.children + e.pending }

// population holds every added node and ranks the valid ones. It is the
// part all samplers share.
type population struct {
	byID map[int64]*entry
	// ranked holds the valid nodes, best first.
	ranked ranking
	// visits is the sum of visits over all entries.
	visits int
}

func newPopulation() population {
	return population{byID: map[int64]*entry{}}
}

// add records n and counts it as a child of its first parent, turning one
// of that parent's pending visits into a stored one. It returns nil when a
// node with the same ID was added before; the repeat is ignored.
func (p *population) add(n Node) *entry {
	if _, seen := p.byID[n.ID]; seen {
		return nil
	}
	e := &entry{node: n}
	p.byID[n.ID] = e
	if len(n.Parents) > 0 {
		if parent := p.byID[n.Parents[0]]; parent != nil {
			parent.children++
			if parent.pending > 0 {
				parent.pending--
			} else {
				p.visits++
			}
		}
	}
	if n.Valid {
		p.ranked.insert(e)
	}
	return e
}

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

// contextAfter returns parent followed by the best entries of r other than
// parent, n nodes at most.
func (r ranking) contextAfter(parent *entry, n int) []Node {
	out := []Node{parent.node}
	for _, e := range r {
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
// empty.
func ucbPick(r ranking, c float64) *entry {
	total := 0
	for _, e := range r {
		if e.visits() == 0 {
			return e // r is best first, so this is the best unvisited
		}
		total += e.visits()
	}
	// r is sorted, so the finite extremes are found from its two ends.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, e := range r {
		if s := e.node.Score; finite(s) {
			hi = s
			break
		}
	}
	for i := len(r) - 1; i >= 0; i-- {
		if s := r[i].node.Score; finite(s) {
			lo = s
			break
		}
	}
	lnN := math.Log(float64(total))
	scale := 0.0
	if hi > lo {
		scale = 1 / (hi - lo)
	}
	var (
		pick *entry
		best = math.Inf(-1)
	)
	for _, e := range r {
		s, n := e.node.Score, e.visits()
		var norm float64
		switch {
		case finite(s) && scale > 0:
			norm = (s - lo) * scale
		default:
			norm = normalise(s, lo, hi)
		}
		v := norm + c*math.Sqrt(lnN/float64(n))
		if v > best {
			pick, best = e, v
		}
	}
	return pick
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
