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
	db := openDB(t)
	offline := NewOffline(0)
	s, err := OpenEmbedded(ctx, db, offline.Name(), offline.Dim())
	if err != nil {
		t.Fatal(err)
	}
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
