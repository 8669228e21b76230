package cognition

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// meetingEmbedder holds each Embed call until want calls are inside at
// once, or until its patience runs out, then embeds offline. Behind a
// lock, one call gets in at a time and peak stays at 1.
type meetingEmbedder struct {
	Embedder
	want    int
	full    chan struct{}
	expired chan struct{} // closed when the patience runs out

	mu           sync.Mutex
	inside, peak int
}

func (m *meetingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	m.mu.Lock()
	m.inside++
	if m.inside > m.peak {
		m.peak = m.inside
		if m.peak == m.want {
			close(m.full)
		}
	}
	m.mu.Unlock()
	select {
	case <-m.full:
	case <-m.expired:
	case <-ctx.Done():
	}
	m.mu.Lock()
	m.inside--
	m.mu.Unlock()
	return m.Embedder.Embed(ctx, texts)
}

// TestWriteBacksEmbedConcurrently checks that no lock is held while a
// write-back's content is embedded (a model call): many workers learning
// at once must not wait for one another's embedding.
func TestWriteBacksEmbedConcurrently(t *testing.T) {
	const writers = 16
	ctx := context.Background()
	db, s, offline := openOfflineEmbedded(t)
	emb := &meetingEmbedder{Embedder: offline, want: writers, full: make(chan struct{}), expired: make(chan struct{})}
	time.AfterFunc(15*time.Second, func() { close(emb.expired) })
	b := NewBase(s, emb, db, Options{})
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it := Item{Kind: KindInsight, Content: fmt.Sprintf("lesson %d: ring %d of the packing wants radius %d", i, i*3, i*11), Node: int64(i + 1)}
			if _, err := b.WriteBack(ctx, it); err != nil {
				errs <- fmt.Errorf("write-back %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	emb.mu.Lock()
	peak := emb.peak
	emb.mu.Unlock()
	if peak != writers {
		t.Fatalf("at most %d of %d write-backs were embedding at once: a lock serialises the embedding", peak, writers)
	}
	items, err := s.Items(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stored := 0 // a merged near-duplicate counts in its item's Count
	for _, it := range items {
		stored += it.Count
	}
	if stored != writers {
		t.Fatalf("the store counts %d write-backs in %d items, want %d", stored, len(items), writers)
	}
}

// countingEmbedder counts the texts it is asked to embed.
type countingEmbedder struct {
	Embedder
	mu    sync.Mutex
	texts map[string]int
}

func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.mu.Lock()
	for _, t := range texts {
		c.texts[t]++
	}
	c.mu.Unlock()
	return c.Embedder.Embed(ctx, texts)
}

// TestSearchEmbedsAQueryOnce checks that a query asked again is not
// embedded again (a campaign asks with its best nodes' analyses step
// after step, and a remote embedder is a model call) and is answered as
// the first time, items written in between included.
func TestSearchEmbedsAQueryOnce(t *testing.T) {
	ctx := context.Background()
	db, s, offline := openOfflineEmbedded(t)
	emb := &countingEmbedder{Embedder: offline, texts: map[string]int{}}
	b := NewBase(s, emb, db, Options{})
	if _, err := b.Import(ctx, []Item{{ID: "ring", Kind: KindPrior, Content: "pack the circles in rings"}}); err != nil {
		t.Fatal(err)
	}
	const q = "how should circles be placed"
	first, err := b.Search(ctx, q, 5)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Import(ctx, []Item{{ID: "edge", Kind: KindPrior, Content: "circles placed along the edges of the square"}}); err != nil {
		t.Fatal(err)
	}
	again, err := b.Search(ctx, q, 5)
	if err != nil {
		t.Fatal(err)
	}
	if n := emb.texts[q]; n != 1 {
		t.Errorf("the query was embedded %d times, want once", n)
	}
	if len(first) != 1 || len(again) != 2 {
		t.Errorf("hits %d, then %d after a second item was stored; want 1, then 2", len(first), len(again))
	}
	if _, err := b.Search(ctx, "a different question", 5); err != nil || emb.texts["a different question"] != 1 {
		t.Errorf("another query: embedded %d times, %v; want once", emb.texts["a different question"], err)
	}
}

// openOfflineEmbedded opens an embedded store in a new campaign database,
// for the offline embedder.
func openOfflineEmbedded(t *testing.T) (*DB, *Embedded, Offline) {
	t.Helper()
	db := openDB(t)
	offline := NewOffline(0)
	s, err := OpenEmbedded(context.Background(), db, offline.Name(), offline.Dim())
	if err != nil {
		t.Fatal(err)
	}
	return db, s, offline
}
