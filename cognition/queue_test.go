package cognition

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asi-evolve/asi/cognition/weaviatetest"
)

// flakyStore fails every call while down is set, like a server that went away.
type flakyStore struct {
	Store
	down atomic.Bool
}

func (f *flakyStore) err() error {
	if f.down.Load() {
		return fmt.Errorf("flaky: %w", ErrUnavailable)
	}
	return nil
}

func (f *flakyStore) Upsert(ctx context.Context, r []Record) error {
	if err := f.err(); err != nil {
		return err
	}
	return f.Store.Upsert(ctx, r)
}

func (f *flakyStore) Search(ctx context.Context, q Query) ([]Hit, error) {
	if err := f.err(); err != nil {
		return nil, err
	}
	return f.Store.Search(ctx, q)
}

func (f *flakyStore) Get(ctx context.Context, id string) (Record, error) {
	if err := f.err(); err != nil {
		return Record{}, err
	}
	return f.Store.Get(ctx, id)
}

func TestQueueSurvivesRestartOfTheProcess(t *testing.T) {
	ctx := context.Background()
	emb := NewOffline(0)
	dir := t.TempDir()
	db, err := OpenDB(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	inner, err := OpenEmbedded(ctx, db, emb.Name(), emb.Dim())
	if err != nil {
		t.Fatal(err)
	}
	flaky := &flakyStore{Store: inner}
	flaky.down.Store(true)
	b := NewBase(flaky, emb, db, Options{})
	for i := range 3 {
		_, err := b.WriteBack(ctx, Item{Kind: KindInsight, Content: fmt.Sprintf("lesson number %d about radii %d", i, i*7), Node: int64(i + 1)})
		if !errors.Is(err, ErrQueued) {
			t.Fatalf("write-back %d while down = %v, want ErrQueued", i, err)
		}
	}
	if _, err := b.Retrieve(ctx, []string{"radii"}, 3, 0); err == nil {
		t.Errorf("retrieve while down succeeded")
	}
	db.Close() // the process dies with the store still down

	db2, err := OpenDB(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if n, _ := db2.Pending(ctx); n != 3 {
		t.Fatalf("%d write-backs queued after reopening, want 3", n)
	}
	store2, err := OpenEmbedded(ctx, db2, emb.Name(), emb.Dim())
	if err != nil {
		t.Fatal(err)
	}
	b2 := NewBase(store2, emb, db2, Options{})
	if _, err := b2.Retrieve(ctx, []string{"radii"}, 3, 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := db2.Pending(ctx); n != 0 {
		t.Errorf("%d write-backs still queued after the store came back", n)
	}
	if store2.Len() != 3 {
		t.Errorf("store holds %d items, want the 3 queued lessons", store2.Len())
	}
}

func TestEmbedderMismatch(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if _, err := OpenEmbedded(ctx, db, NewOffline(0).Name(), DefaultDim); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenEmbedded(ctx, db, NewOffline(64).Name(), 64); !errors.Is(err, ErrEmbedderMismatch) {
		t.Errorf("reopen with another dimension = %v, want ErrEmbedderMismatch", err)
	}
}

// TestWeaviateRestart stops the server between write-backs: retrieval
// fails (the caller warns and goes on), write-backs are queued, and once
// the server is back the queue is applied and nothing is lost.
func TestWeaviateRestart(t *testing.T) {
	ctx := context.Background()
	srv := weaviatetest.Start(t)
	emb := NewOffline(0)
	w, err := OpenWeaviate(WeaviateConfig{URL: weaviatetest.URL, Collection: "RestartTest", HTTPClient: srv.HTTPClient()}, emb.Name(), emb.Dim())
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	b := NewBase(w, emb, db, Options{})
	seedPriors(t, b)
	if _, err := b.WriteBack(ctx, Item{Kind: KindInsight, Content: "Shrinking the largest circle freed room for two more.", Node: 1}); err != nil {
		t.Fatal(err)
	}

	srv.Stop()
	if _, err := b.Retrieve(ctx, []string{"hexagonal lattice"}, 3, 0); !errors.Is(err, ErrUnavailable) {
		t.Errorf("retrieve while stopped = %v, want ErrUnavailable", err)
	}
	lessons := []string{"Jittering centres before the LP escaped a local optimum.", "Radii above 0.2 always overlapped a wall."}
	for i, l := range lessons {
		if _, err := b.WriteBack(ctx, Item{Kind: KindInsight, Content: l, Node: int64(i + 2)}); !errors.Is(err, ErrQueued) {
			t.Fatalf("write-back while stopped = %v, want ErrQueued", err)
		}
	}

	if err := srv.Restart(); err != nil {
		t.Fatalf("restart: %v\n%s", err, srv.Log())
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		left, err := b.Flush(ctx)
		if err == nil && left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue not applied after restart: %d left, %v", left, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	items, err := w.Items(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 4+1+len(lessons) {
		t.Errorf("%d items after restart, want %d", len(items), 4+1+len(lessons))
	}
	hits, err := b.Retrieve(ctx, []string{"jitter the centres"}, 1, 0)
	if err != nil || len(hits) != 1 || hits[0].Content != lessons[0] {
		t.Errorf("retrieve after restart = %v, %v; want the queued lesson", sources(hits), err)
	}
}
