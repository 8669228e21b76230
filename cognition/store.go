package cognition

import (
	"cmp"
	"context"
	"math"
	"slices"
)

// Store keeps items with their vectors. Implementations are safe for
// concurrent use.
type Store interface {
	// Upsert stores records, replacing those with the same ID.
	Upsert(ctx context.Context, records []Record) error
	// Search returns at most q.Limit hits, best first.
	Search(ctx context.Context, q Query) ([]Hit, error)
	// Get returns one record, or ErrNotFound.
	Get(ctx context.Context, id string) (Record, error)
	// Items returns every item, oldest first.
	Items(ctx context.Context) ([]Item, error)
	// Close releases the store; the data stays.
	Close() error
}

// Query is one search.
type Query struct {
	Text   string    // for keyword scoring
	Vector []float32 // for vector scoring; unit length
	Limit  int       // default 5
	// Alpha weighs vector against keyword scores: 1 is vector only, 0
	// keyword only, in between a hybrid search (relative score fusion).
	Alpha float64
}

// Meta key and class-description fields naming the embedder of a store.
const (
	metaEmbedder = "embedder"
	metaDim      = "dim"
)

// fuse combines a vector ranking and a keyword ranking by relative score
// fusion, as Weaviate's hybrid search does: each list's scores are scaled
// to [0, 1] by its own minimum and maximum, then summed with weights alpha
// and 1-alpha.
func fuse(vector, keyword []scored, alpha float64, limit int) []scored {
	total := map[int]float64{}
	scale := func(list []scored, w float64) {
		if len(list) == 0 {
			return
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, s := range list {
			lo, hi = min(lo, s.score), max(hi, s.score)
		}
		for _, s := range list {
			x := 1.0
			if hi > lo {
				x = (s.score - lo) / (hi - lo)
			}
			total[s.doc] += w * x
		}
	}
	scale(vector, alpha)
	scale(keyword, 1-alpha)
	out := make([]scored, 0, len(total))
	for doc, s := range total {
		out = append(out, scored{doc, s})
	}
	sortScored(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

type scored struct {
	doc   int
	score float64
}

// sortScored orders by score, then by document for a stable answer.
func sortScored(s []scored) {
	slices.SortFunc(s, func(a, b scored) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return cmp.Compare(a.doc, b.doc)
	})
}

// topK keeps the k best entries seen, in a small min-heap.
type topK struct {
	k    int
	heap []scored
}

func (t *topK) push(doc int, score float64) {
	if len(t.heap) < t.k {
		t.heap = append(t.heap, scored{doc, score})
		for i := len(t.heap) - 1; i > 0; {
			p := (i - 1) / 2
			if !worse(t.heap[i], t.heap[p]) {
				break
			}
			t.heap[i], t.heap[p] = t.heap[p], t.heap[i]
			i = p
		}
		return
	}
	if !worse(t.heap[0], scored{doc, score}) {
		return
	}
	t.heap[0] = scored{doc, score}
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(t.heap) && worse(t.heap[l], t.heap[m]) {
			m = l
		}
		if r < len(t.heap) && worse(t.heap[r], t.heap[m]) {
			m = r
		}
		if m == i {
			break
		}
		t.heap[i], t.heap[m] = t.heap[m], t.heap[i]
		i = m
	}
}

func worse(a, b scored) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.doc > b.doc
}

func (t *topK) sorted() []scored {
	out := append([]scored(nil), t.heap...)
	sortScored(out)
	return out
}
