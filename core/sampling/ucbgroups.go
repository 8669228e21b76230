package sampling

import (
	"container/heap"
	"math"
)

// visitGroups finds ucbPick's entry without reading every valid node:
// entries with the same visits share the exploration term, so the best
// ranked of each visit count is the only one of its count that can win.
// Group v is a heap, best ranked on top, of the valid entries with v
// visits; an entry whose visits grew stays behind in its old heap until
// it reaches the top (or the heap is compacted) and is dropped there.
//
// The groups are built at the first pick, from the ranking in one pass (a
// resume adds every stored node first), and kept up to date after it.
type visitGroups struct {
	built bool
	heaps []entryHeap // by visit count
	live  []int       // entries whose visits equal the index
	total int         // visits summed over every valid entry: UCB1's N
}

// added records a valid entry (none of its visits counted yet).
func (g *visitGroups) added(e *entry) {
	if g.built {
		g.total += e.visits()
		g.push(e)
	}
}

// grew records that the valid entry e has one visit more than before.
func (g *visitGroups) grew(e *entry) {
	if g.built {
		g.total++
		g.live[e.visits()-1]--
		g.push(e)
	}
}

// build groups the entries of r. Read best first, each group's entries
// arrive in heap order: a sorted slice is a heap.
func (g *visitGroups) build(r ranked) {
	g.built = true
	for e := range r.All() {
		v := e.visits()
		for len(g.heaps) <= v {
			g.heaps = append(g.heaps, nil)
			g.live = append(g.live, 0)
		}
		g.heaps[v] = append(g.heaps[v], e)
		g.live[v]++
		g.total += v
	}
}

func (g *visitGroups) push(e *entry) {
	v := e.visits()
	for len(g.heaps) <= v {
		g.heaps = append(g.heaps, nil)
		g.live = append(g.live, 0)
	}
	heap.Push(&g.heaps[v], e)
	g.live[v]++
	if h := &g.heaps[v]; len(*h) > 2*g.live[v]+64 {
		h.keep(func(e *entry) bool { return e.visits() == v })
	}
}

// top returns the best ranked entry with v visits, or nil.
func (g *visitGroups) top(v int) *entry {
	h := &g.heaps[v]
	for len(*h) > 0 {
		if e := (*h)[0]; e.visits() == v {
			return e
		}
		heap.Pop(h)
	}
	return nil
}

// pick returns what ucbPick(r, c) returns, r being the ranking of the
// entries recorded: the best unvisited entry, else the maximum of
// norm(score) + c*sqrt(ln N / n_i) over each visit count's best, ties to
// the entry ranked first. It returns nil when no entry was recorded.
func (g *visitGroups) pick(r ranked, c float64) *entry {
	if !g.built {
		g.build(r)
	}
	if len(g.heaps) == 0 {
		return nil
	}
	if e := g.top(0); e != nil {
		return e
	}
	lo, hi := finiteExtremes(r)
	lnN := math.Log(float64(g.total))
	var (
		pick *entry
		best = math.Inf(-1)
	)
	for v := 1; v < len(g.heaps); v++ {
		e := g.top(v)
		if e == nil {
			continue
		}
		u := norm(e.node.Score, lo, hi) + c*math.Sqrt(lnN/float64(v))
		if u > best || u == best && better(e, pick) {
			pick, best = e, u
		}
	}
	return pick
}

// entryHeap holds entries best ranked first (container/heap).
type entryHeap []*entry

func (h entryHeap) Len() int           { return len(h) }
func (h entryHeap) Less(i, j int) bool { return better(h[i], h[j]) }
func (h entryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *entryHeap) Push(x any)        { *h = append(*h, x.(*entry)) }

func (h *entryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

// keep drops the entries for which ok is false and restores the heap.
func (h *entryHeap) keep(ok func(*entry) bool) {
	kept := (*h)[:0]
	for _, e := range *h {
		if ok(e) {
			kept = append(kept, e)
		}
	}
	clear((*h)[len(kept):])
	*h = kept
	heap.Init(h)
}
