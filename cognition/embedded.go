package cognition

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Embedded is the default store: items in the campaign database, every
// vector in memory, exact cosine search by a linear scan and BM25 keyword
// scoring for hybrid search.
type Embedded struct {
	db  *DB
	dim int

	mu      sync.RWMutex // guards everything below
	records []Record
	index   map[string]int // id -> position in records
	vectors []float32      // records' vectors back to back, for the scan
	kw      *keywords
}

// OpenEmbedded loads the embedded store of db. embedder and dim name the
// embedder its vectors come from; a store built with another fails with
// ErrEmbedderMismatch.
func OpenEmbedded(ctx context.Context, db *DB, embedder string, dim int) (*Embedded, error) {
	if err := checkEmbedder(ctx, db, embedder, dim); err != nil {
		return nil, err
	}
	e := &Embedded{db: db, dim: dim, index: map[string]int{}, kw: newKeywords()}
	rows, err := db.db.QueryContext(ctx, `SELECT id, content, source, kind, tags, node, count, created_at, vector
		FROM cognition_items ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("load cognition items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Record
		var tags, created string
		var vec []byte
		if err := rows.Scan(&r.ID, &r.Content, &r.Source, &r.Kind, &tags, &r.Node, &r.Count, &created, &vec); err != nil {
			return nil, fmt.Errorf("load cognition items: %w", err)
		}
		if err := json.Unmarshal([]byte(tags), &r.Tags); err != nil {
			return nil, fmt.Errorf("cognition item %s tags: %w", r.ID, err)
		}
		r.Created, _ = time.Parse(time.RFC3339Nano, created)
		r.Vector = decodeVector(vec)
		e.put(r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load cognition items: %w", err)
	}
	return e, nil
}

// checkEmbedder records the embedder of a new store, or checks it.
func checkEmbedder(ctx context.Context, db *DB, embedder string, dim int) error {
	name, ok, err := db.meta(ctx, metaEmbedder)
	if err != nil {
		return fmt.Errorf("cognition store: %w", err)
	}
	if !ok {
		if err := db.setMeta(ctx, metaEmbedder, embedder); err != nil {
			return err
		}
		return db.setMeta(ctx, metaDim, strconv.Itoa(dim))
	}
	d, _, err := db.meta(ctx, metaDim)
	if err != nil {
		return err
	}
	if name != embedder || d != strconv.Itoa(dim) {
		return fmt.Errorf("%w: built with %s (%s dimensions), asked for %s (%d)", ErrEmbedderMismatch, name, d, embedder, dim)
	}
	return nil
}

// put adds or replaces a record in memory. Callers hold mu.
func (e *Embedded) put(r Record) {
	i, ok := e.index[r.ID]
	reindex := true
	if !ok {
		i = len(e.records)
		e.index[r.ID] = i
		e.records = append(e.records, r)
		e.vectors = append(e.vectors, make([]float32, e.dim)...)
	} else {
		reindex = e.records[i].Content != r.Content // a count raised keeps its text
		e.records[i] = r
	}
	copy(e.vectors[i*e.dim:(i+1)*e.dim], r.Vector)
	if reindex {
		e.kw.set(i, r.Content)
	}
}

// Upsert implements Store.
func (e *Embedded) Upsert(ctx context.Context, records []Record) error {
	for _, r := range records {
		if len(r.Vector) != e.dim {
			return fmt.Errorf("cognition item %s: vector has %d dimensions, the store %d: %w", r.ID, len(r.Vector), e.dim, ErrEmbedderMismatch)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	err := e.db.inTx(ctx, func(tx *sql.Tx) error {
		for _, r := range records {
			tags, _ := json.Marshal(nonNilTags(r.Tags))
			if _, err := tx.ExecContext(ctx, `INSERT INTO cognition_items (id, content, source, kind, tags, node, count, created_at, vector)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET content = excluded.content, source = excluded.source,
				kind = excluded.kind, tags = excluded.tags, node = excluded.node, count = excluded.count, vector = excluded.vector`,
				r.ID, r.Content, r.Source, string(r.Kind), string(tags), r.Node, r.Count,
				r.Created.UTC().Format(time.RFC3339Nano), encodeVector(r.Vector)); err != nil {
				return fmt.Errorf("cognition item %s: %w", r.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store cognition items: %w", err)
	}
	for _, r := range records {
		r.Vector = append([]float32(nil), r.Vector...)
		e.put(r)
	}
	return nil
}

// Search implements Store.
func (e *Embedded) Search(_ context.Context, q Query) ([]Hit, error) {
	if q.Limit <= 0 {
		q.Limit = 5
	}
	useVector := q.Alpha > 0 && len(q.Vector) > 0
	if useVector && len(q.Vector) != e.dim {
		return nil, fmt.Errorf("cognition search: query vector has %d dimensions, the store %d: %w", len(q.Vector), e.dim, ErrEmbedderMismatch)
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	var vec, kw []scored
	// A hybrid search fuses candidate lists longer than the answer, so an
	// item strong in one ranking and fair in the other still makes it.
	pool := q.Limit
	if useVector && q.Alpha < 1 {
		pool = max(4*q.Limit, 20)
	}
	if useVector {
		vec = e.scan(q.Vector, pool)
	}
	if q.Alpha < 1 || !useVector {
		kw = e.kw.search(q.Text, pool)
	}
	var ranked []scored
	switch {
	case useVector && q.Alpha >= 1:
		ranked = vec
	case !useVector:
		ranked = kw
		if len(ranked) > q.Limit {
			ranked = ranked[:q.Limit]
		}
	default:
		ranked = fuse(vec, kw, q.Alpha, q.Limit)
	}
	hits := make([]Hit, len(ranked))
	for i, s := range ranked {
		r := e.records[s.doc]
		r.Tags = append([]string(nil), r.Tags...)
		hits[i] = Hit{Record: r, Score: s.score}
		if len(q.Vector) == e.dim {
			hits[i].Similarity = float64(dot(q.Vector, e.vectors[s.doc*e.dim:(s.doc+1)*e.dim]))
		}
	}
	return hits, nil
}

// scan is the exact search: one dot product per item. Callers hold mu.
func (e *Embedded) scan(q []float32, k int) []scored {
	top := topK{k: k}
	for i := range e.records {
		top.push(i, float64(dot(q, e.vectors[i*e.dim:(i+1)*e.dim])))
	}
	return top.sorted()
}

// Get implements Store.
func (e *Embedded) Get(_ context.Context, id string) (Record, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	i, ok := e.index[id]
	if !ok {
		return Record{}, fmt.Errorf("cognition item %s: %w", id, ErrNotFound)
	}
	r := e.records[i]
	r.Tags = append([]string(nil), r.Tags...)
	return r, nil
}

// Items implements Store.
func (e *Embedded) Items(context.Context) ([]Item, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]Item, len(e.records))
	for i, r := range e.records {
		out[i] = r.Item
		out[i].Tags = append([]string(nil), r.Tags...)
	}
	sortItems(out)
	return out, nil
}

// Len is the number of items.
func (e *Embedded) Len() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return len(e.records)
}

// Close implements Store; the DB stays open (its owner closes it).
func (e *Embedded) Close() error { return nil }

func nonNilTags(t []string) []string {
	if t == nil {
		return []string{}
	}
	return t
}

var _ Store = (*Embedded)(nil)
