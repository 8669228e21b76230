package sampling

import (
	"iter"
	"slices"
	"sort"
)

// ranked is a list of entries best first, read in order or by position:
// a ranking (an island's members) or a population's rankList.
type ranked interface {
	Len() int
	At(i int) *entry
	All() iter.Seq[*entry]      // best first
	Backward() iter.Seq[*entry] // worst first
}

// rankList keeps a population's valid entries best first in chunks of
// about chunkSize: placing a node moves one chunk, not the whole list (a
// slice of a million entries moved 8 MB a step). A chunk never shares
// spare capacity with the next one, so appending to it cannot overwrite
// its neighbour.
type rankList struct {
	chunks []ranking
	n      int
}

// chunkSize is how many entries a chunk holds after a split or a merge;
// a chunk splits in two when it reaches twice as many.
const chunkSize = 512

func (l *rankList) Len() int { return l.n }

// At returns the entry at position i, 0 being the best: O(chunks).
func (l *rankList) At(i int) *entry {
	for _, c := range l.chunks {
		if i < len(c) {
			return c[i]
		}
		i -= len(c)
	}
	panic("sampling: rank position out of range")
}

func (l *rankList) All() iter.Seq[*entry] {
	return func(yield func(*entry) bool) {
		for _, c := range l.chunks {
			for _, e := range c {
				if !yield(e) {
					return
				}
			}
		}
	}
}

func (l *rankList) Backward() iter.Seq[*entry] {
	return func(yield func(*entry) bool) {
		for i := len(l.chunks) - 1; i >= 0; i-- {
			c := l.chunks[i]
			for j := len(c) - 1; j >= 0; j-- {
				if !yield(c[j]) {
					return
				}
			}
		}
	}
}

// insert puts e at its place: a binary search over the chunks' last
// entries, then one within the chunk.
func (l *rankList) insert(e *entry) {
	l.n++
	if len(l.chunks) == 0 {
		l.chunks = []ranking{{e}}
		return
	}
	i := sort.Search(len(l.chunks), func(i int) bool { c := l.chunks[i]; return better(e, c[len(c)-1]) })
	if i == len(l.chunks) {
		i-- // worse than every entry: it ends the last chunk
	}
	l.chunks[i].insert(e)
	if c := l.chunks[i]; len(c) >= 2*chunkSize {
		tail := slices.Clone(c[chunkSize:])
		clear(c[chunkSize:])
		l.chunks[i] = c[:chunkSize]
		l.chunks = slices.Insert(l.chunks, i+1, tail)
	}
}

// merge places the entries of add, sorting add in place, and re-chunks
// the list: one pass over every entry, for many entries at once.
func (l *rankList) merge(add []*entry) {
	all := make(ranking, 0, l.n)
	for _, c := range l.chunks {
		all = append(all, c...)
	}
	all = all.merge(add)
	l.chunks, l.n = nil, len(all)
	for lo := 0; lo < len(all); lo += chunkSize {
		hi := min(lo+chunkSize, len(all))
		l.chunks = append(l.chunks, all[lo:hi:hi])
	}
}

func (r ranking) Len() int        { return len(r) }
func (r ranking) At(i int) *entry { return r[i] }

func (r ranking) All() iter.Seq[*entry] {
	return func(yield func(*entry) bool) {
		for _, e := range r {
			if !yield(e) {
				return
			}
		}
	}
}

func (r ranking) Backward() iter.Seq[*entry] {
	return func(yield func(*entry) bool) {
		for i := len(r) - 1; i >= 0; i-- {
			if !yield(r[i]) {
				return
			}
		}
	}
}
