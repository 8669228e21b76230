package cognition

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Defaults of a Base.
const (
	// DefaultMergeAbove is the similarity above which a written-back item is
	// merged into the existing one instead of stored beside it. The offline
	// embedder gives rephrasings of one lesson about 0.85-0.95 and
	// different lessons of one task under 0.7.
	DefaultMergeAbove = 0.9
	// DefaultAlpha weighs vector against keyword scores in retrieval.
	DefaultAlpha = 0.75
)

// Options tune a Base; zero fields take the defaults above.
type Options struct {
	MergeAbove float64
	Alpha      float64
	// Now returns the time stamped on new items; time.Now by default.
	Now func() time.Time
}

// Base is a cognition base: a Store with the Embedder its vectors come
// from, and the campaign database that queues write-backs the store could
// not take. It is safe for concurrent use.
type Base struct {
	store    Store
	embedder Embedder
	queue    *DB // nil: failed write-backs are returned as errors
	opts     Options

	mu      sync.Mutex // serialises write-backs, so a merge sees the last one
	queued  bool       // the queue may hold entries
	flushed time.Time  // last failed flush, to back off

	// queryVectors holds the vectors of recent query texts: a campaign
	// asks with the analyses of its context nodes, and the best nodes are
	// in the context step after step.
	queryVectors *lru.Cache[string, []float32]
}

// queryVectorsKept is how many query vectors a base keeps.
const queryVectorsKept = 512

// NewBase returns a base. queue may be nil.
func NewBase(store Store, embedder Embedder, queue *DB, opts Options) *Base {
	if opts.MergeAbove == 0 {
		opts.MergeAbove = DefaultMergeAbove
	}
	if opts.Alpha == 0 {
		opts.Alpha = DefaultAlpha
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	vectors, _ := lru.New[string, []float32](queryVectorsKept) // fails only for a size under 1
	return &Base{store: store, embedder: embedder, queue: queue, opts: opts, queued: queue != nil, queryVectors: vectors}
}

// Store is the base's store.
func (b *Base) Store() Store { return b.store }

// Embedder is the base's embedder.
func (b *Base) Embedder() Embedder { return b.embedder }

// Close closes the store.
func (b *Base) Close() error { return b.store.Close() }

// Import stores items as given (no merging), embedding them in batches. An
// item already stored with the same ID keeps its count and creation time.
// It returns how many items were new.
func (b *Base) Import(ctx context.Context, items []Item) (int, error) {
	now := b.opts.Now()
	const batch = 256
	added := 0
	for start := 0; start < len(items); start += batch {
		chunk := items[start:min(start+batch, len(items))]
		texts := make([]string, len(chunk))
		records := make([]Record, 0, len(chunk))
		for i := range chunk {
			it := chunk[i]
			if err := it.normalize(now); err != nil {
				return added, err
			}
			chunk[i] = it
			texts[i] = it.Content
		}
		vecs, err := b.embedder.Embed(ctx, texts)
		if err != nil {
			return added, fmt.Errorf("embed cognition items: %w", err)
		}
		for i, it := range chunk {
			old, err := b.store.Get(ctx, it.ID)
			switch {
			case err == nil:
				if old.Content == it.Content && slices.Equal(old.Tags, it.Tags) && old.Source == it.Source {
					continue // unchanged: importing again is a no-op
				}
				it.Count, it.Created = old.Count, old.Created
			case errors.Is(err, ErrNotFound):
				added++
			default:
				return added, err
			}
			records = append(records, Record{Item: it, Vector: vecs[i]})
		}
		if len(records) > 0 {
			if err := b.store.Upsert(ctx, records); err != nil {
				return added, err
			}
		}
	}
	return added, nil
}

// Search embeds text and runs one hybrid search.
func (b *Base) Search(ctx context.Context, text string, limit int) ([]Hit, error) {
	vector, ok := b.queryVectors.Get(text)
	if !ok {
		vecs, err := b.embedder.Embed(ctx, []string{text})
		if err != nil {
			return nil, fmt.Errorf("embed query: %w", err)
		}
		vector = vecs[0]
		b.queryVectors.Add(text, vector)
	}
	return b.store.Search(ctx, Query{Text: text, Vector: vector, Limit: limit, Alpha: b.opts.Alpha})
}

// Retrieve runs one search per query and merges the results: one hit per
// item (its best score), items whose similarity to their query is under
// minScore dropped, near-duplicates of a better hit dropped, at most topK
// kept, best first. It also applies queued write-backs when the store
// answers again.
func (b *Base) Retrieve(ctx context.Context, queries []string, topK int, minScore float64) ([]Hit, error) {
	if topK <= 0 {
		topK = 5
	}
	b.flushQueue(ctx)
	best := map[string]Hit{}
	var errs []error
	for _, q := range queries {
		if q == "" {
			continue
		}
		hits, err := b.Search(ctx, q, 2*topK)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, h := range hits {
			if h.Similarity < minScore {
				continue
			}
			if old, ok := best[h.ID]; !ok || h.Score > old.Score {
				best[h.ID] = h
			}
		}
	}
	if len(errs) > 0 && len(best) == 0 {
		return nil, errors.Join(errs...)
	}
	all := make([]Hit, 0, len(best))
	for _, h := range best {
		all = append(all, h)
	}
	slices.SortFunc(all, func(x, y Hit) int {
		switch {
		case x.Score != y.Score:
			if x.Score > y.Score {
				return -1
			}
			return 1
		case x.Similarity != y.Similarity:
			if x.Similarity > y.Similarity {
				return -1
			}
			return 1
		}
		return compareStrings(x.ID, y.ID)
	})
	var out []Hit
	for _, h := range all {
		dup := false
		for _, kept := range out {
			if unitCosine(h.Vector, kept.Vector) >= b.opts.MergeAbove {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, h)
		}
		if len(out) == topK {
			break
		}
	}
	return out, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// WriteResult says what a write-back did.
type WriteResult struct {
	ID     string
	Merged bool // an existing near-duplicate absorbed it
}

// WriteBack stores a lesson. When an item of the same kind is more similar
// than the merge threshold, that item's count goes up and it gains the new
// tags instead. When the store cannot be reached, the item is queued in the
// campaign database and the error wraps ErrQueued.
func (b *Base) WriteBack(ctx context.Context, it Item) (WriteResult, error) {
	if err := it.normalize(b.opts.Now()); err != nil {
		return WriteResult{}, err
	}
	// Embedding calls a model: it runs before the lock, so the many
	// workers' write-backs wait for one another's search and upsert only.
	vec, embedErr := b.embed(ctx, it.Content)
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.flushLocked(ctx); err != nil {
		return WriteResult{ID: it.ID}, b.defer_(ctx, it, err)
	}
	if embedErr != nil {
		return WriteResult{}, b.defer_(ctx, it, embedErr)
	}
	res, err := b.write(ctx, it, vec)
	if err != nil {
		return res, b.defer_(ctx, it, err)
	}
	return res, nil
}

// defer_ queues it after cause; it returns the error the caller sees.
func (b *Base) defer_(ctx context.Context, it Item, cause error) error {
	if b.queue == nil || ctx.Err() != nil && errors.Is(cause, ctx.Err()) {
		return cause
	}
	if err := b.queue.enqueue(ctx, it); err != nil {
		return errors.Join(cause, err)
	}
	b.queued = true
	return fmt.Errorf("%w: %w", ErrQueued, cause)
}

// embed is the vector of one item's content.
func (b *Base) embed(ctx context.Context, content string) ([]float32, error) {
	vecs, err := b.embedder.Embed(ctx, []string{content})
	if err != nil {
		return nil, fmt.Errorf("embed cognition item: %w", err)
	}
	return vecs[0], nil
}

// write stores it, whose content's vector is vec, or merges it into a
// near-duplicate. Callers hold mu: a merge must see the last write.
func (b *Base) write(ctx context.Context, it Item, vec []float32) (WriteResult, error) {
	hits, err := b.store.Search(ctx, Query{Vector: vec, Limit: 3, Alpha: 1})
	if err != nil {
		return WriteResult{}, err
	}
	for _, h := range hits {
		if h.Kind != it.Kind || h.Similarity < b.opts.MergeAbove {
			continue
		}
		merged := h.Record
		merged.Count += it.Count
		merged.Tags = mergeTags(merged.Tags, it.Tags)
		if it.Node != 0 {
			merged.Tags = mergeTags(merged.Tags, []string{"node:" + strconv.FormatInt(it.Node, 10)})
		}
		if err := b.store.Upsert(ctx, []Record{merged}); err != nil {
			return WriteResult{}, err
		}
		return WriteResult{ID: merged.ID, Merged: true}, nil
	}
	if it.Node != 0 {
		it.Tags = mergeTags(it.Tags, []string{"node:" + strconv.FormatInt(it.Node, 10)})
	}
	if old, err := b.store.Get(ctx, it.ID); err == nil {
		// The same text again (exact duplicate of another kind of hit).
		old.Count += it.Count
		old.Tags = mergeTags(old.Tags, it.Tags)
		return WriteResult{ID: it.ID, Merged: true}, b.store.Upsert(ctx, []Record{old})
	} else if !errors.Is(err, ErrNotFound) {
		return WriteResult{}, err
	}
	if err := b.store.Upsert(ctx, []Record{{Item: it, Vector: vec}}); err != nil {
		return WriteResult{}, err
	}
	return WriteResult{ID: it.ID}, nil
}

// Flush applies queued write-backs now and returns how many are left.
func (b *Base) Flush(ctx context.Context) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushed = time.Time{}
	err := b.flushLocked(ctx)
	if b.queue == nil {
		return 0, err
	}
	n, qerr := b.queue.Pending(ctx)
	return n, errors.Join(err, qerr)
}

// flushQueue is Flush without waiting behind a write-back in progress and
// without reporting: retrieval must not stall on the queue.
func (b *Base) flushQueue(ctx context.Context) {
	if !b.mu.TryLock() {
		return
	}
	defer b.mu.Unlock()
	b.flushLocked(ctx)
}

// retryAfter spaces out flush attempts while the store is down.
const retryAfter = 2 * time.Second

// flushLocked applies the queue in order; callers hold mu.
func (b *Base) flushLocked(ctx context.Context) error {
	if !b.queued || b.queue == nil {
		return nil
	}
	if !b.flushed.IsZero() && time.Since(b.flushed) < retryAfter {
		return fmt.Errorf("%w: %d-s back-off after a failed flush", ErrUnavailable, int(retryAfter.Seconds()))
	}
	entries, err := b.queue.pending(ctx)
	if err != nil {
		return err
	}
	for _, p := range entries {
		// Only here, replaying the queue after an outage, does an
		// embedding run under mu.
		vec, err := b.embed(ctx, p.item.Content)
		if err == nil {
			_, err = b.write(ctx, p.item, vec)
		}
		if err != nil {
			b.flushed = time.Now()
			return err
		}
		if err := b.queue.dequeue(ctx, p.id); err != nil {
			return err
		}
	}
	b.queued, b.flushed = false, time.Time{}
	return nil
}
