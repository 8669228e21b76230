package cognition

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/cognition/weaviatetest"
)

// backend opens a fresh store of one implementation.
type backend struct {
	name string
	open func(t *testing.T, emb Embedder) Store
}

func embeddedBackend() backend {
	return backend{"embedded", func(t *testing.T, emb Embedder) Store {
		db := openDB(t)
		s, err := OpenEmbedded(context.Background(), db, emb.Name(), emb.Dim())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}}
}

func weaviateBackend(srv *weaviatetest.Server) backend {
	return backend{"weaviate", func(t *testing.T, emb Embedder) Store {
		w, err := OpenWeaviate(WeaviateConfig{
			URL: weaviatetest.URL, Collection: CollectionName(t.Name()), HTTPClient: srv.HTTPClient(),
		}, emb.Name(), emb.Dim())
		if err != nil {
			t.Fatal(err)
		}
		return w
	}}
}

func openDB(t testing.TB) *DB {
	t.Helper()
	db, err := OpenDB(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func seedPriors(t *testing.T, b *Base) []Item {
	t.Helper()
	f, err := os.Open("testdata/priors.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, err := ParseMarkdown(f, "priors.md")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Import(context.Background(), items); err != nil {
		t.Fatal(err)
	}
	return items
}

func TestStores(t *testing.T) {
	t.Run("embedded", func(t *testing.T) { storeSuite(t, embeddedBackend()) })
	t.Run("weaviate", func(t *testing.T) { storeSuite(t, weaviateBackend(weaviatetest.Start(t))) })
}

func storeSuite(t *testing.T, be backend) {
	ctx := context.Background()
	emb := NewOffline(0)
	fixed := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	newBase := func(t *testing.T) *Base {
		return NewBase(be.open(t, emb), emb, openDB(t), Options{Now: func() time.Time { return fixed }})
	}

	t.Run("import", func(t *testing.T) {
		b := newBase(t)
		items := seedPriors(t, b)
		again, err := b.Import(ctx, items)
		if err != nil {
			t.Fatal(err)
		}
		if again != 0 {
			t.Errorf("second import added %d items, want 0", again)
		}
		got, err := b.Store().Items(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 {
			t.Fatalf("stored %d items, want 4: %+v", len(got), got)
		}
		for _, it := range got {
			if it.Kind != KindPrior || it.Count != 1 || !it.Created.Equal(fixed) || !strings.HasPrefix(it.Source, "priors.md#") {
				t.Errorf("item %+v: want a prior counted once, created %v, sourced from priors.md", it, fixed)
			}
		}
	})

	t.Run("search", func(t *testing.T) {
		b := newBase(t)
		seedPriors(t, b)
		tests := []struct {
			name, query, want string
		}{
			{"lattice", "offset rows in a hexagon pattern", "hexagonal-lattice"},
			{"walls", "bigger circles at the wall", "boundary-circles"},
			{"fenced block", "shrink overlapping radii", "overlap-repair"},
			{"optimizer", "linear programming for radii with gradient steps", "optimizer"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				hits, err := b.Search(ctx, tt.query, 2)
				if err != nil {
					t.Fatal(err)
				}
				if len(hits) == 0 || !strings.HasSuffix(hits[0].Source, "#"+tt.want) {
					t.Fatalf("top hit for %q = %v, want #%s", tt.query, sources(hits), tt.want)
				}
				if hits[0].Similarity <= 0 || len(hits[0].Vector) != emb.Dim() {
					t.Errorf("top hit similarity %v, vector %d dims", hits[0].Similarity, len(hits[0].Vector))
				}
			})
		}
	})

	t.Run("hybrid and keyword", func(t *testing.T) {
		b := newBase(t)
		seedPriors(t, b)
		vec, _ := emb.Embed(ctx, []string{"perturbed restart"})
		for _, alpha := range []float64{0, 0.5, 1} {
			hits, err := b.Store().Search(ctx, Query{Text: "perturbed restart", Vector: vec[0], Limit: 3, Alpha: alpha})
			if err != nil {
				t.Fatalf("alpha %v: %v", alpha, err)
			}
			if len(hits) == 0 || !strings.HasSuffix(hits[0].Source, "#optimizer") {
				t.Errorf("alpha %v: top hits %v, want #optimizer first", alpha, sources(hits))
			}
			if alpha == 0 && len(hits) != 1 {
				t.Errorf("keyword search matched %d items, want only the one with the words", len(hits))
			}
		}
	})

	t.Run("write-back merges near-duplicates", func(t *testing.T) {
		b := newBase(t)
		seedPriors(t, b)
		first, err := b.WriteBack(ctx, Item{Kind: KindInsight, Content: "Growing the corner circles first raised the packing score by 0.02.", Node: 7})
		if err != nil || first.Merged {
			t.Fatalf("first write-back = %+v, %v; want a new item", first, err)
		}
		second, err := b.WriteBack(ctx, Item{Kind: KindInsight, Content: "Growing the corner circles first raised the packing score by 0.03.", Node: 9})
		if err != nil {
			t.Fatal(err)
		}
		if !second.Merged || second.ID != first.ID {
			t.Fatalf("second write-back = %+v, want merged into %s", second, first.ID)
		}
		other, err := b.WriteBack(ctx, Item{Kind: KindFailure, Content: "Candidates that print NaN radii fail validation.", Node: 9})
		if err != nil || other.Merged {
			t.Fatalf("failure write-back = %+v, %v; want a new item", other, err)
		}
		got, err := b.Store().Get(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Count != 2 || !cmp.Equal(got.Tags, []string{"node:7", "node:9"}) || got.Node != 7 {
			t.Errorf("merged item = count %d tags %v node %d, want 2 [node:7 node:9] 7", got.Count, got.Tags, got.Node)
		}
		items, _ := b.Store().Items(ctx)
		if len(items) != 6 {
			t.Errorf("%d items after write-backs, want 4 priors + 1 insight + 1 failure", len(items))
		}
		if _, err := b.Store().Get(ctx, ItemID(KindPrior, "no such item")); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(missing) = %v, want ErrNotFound", err)
		}
	})

	t.Run("retrieve merges queries", func(t *testing.T) {
		b := newBase(t)
		seedPriors(t, b)
		hits, err := b.Retrieve(ctx, []string{"hexagon rows", "hexagonal lattice rows", "", "walls of the square"}, 3, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, h := range hits {
			if ids[h.ID] {
				t.Errorf("item %s retrieved twice", h.ID)
			}
			ids[h.ID] = true
			if h.Similarity < 0.05 {
				t.Errorf("hit %s similarity %v under min_score", h.Source, h.Similarity)
			}
		}
		if len(hits) == 0 || len(hits) > 3 {
			t.Fatalf("retrieved %d hits, want 1..3", len(hits))
		}
		src := sources(hits)
		if !slices.ContainsFunc(src, func(s string) bool { return strings.HasSuffix(s, "#hexagonal-lattice") }) ||
			!slices.ContainsFunc(src, func(s string) bool { return strings.HasSuffix(s, "#boundary-circles") }) {
			t.Errorf("retrieved %v, want both the lattice and the boundary prior", src)
		}
		none, err := b.Retrieve(ctx, []string{"hexagon rows"}, 3, 0.99)
		if err != nil || len(none) != 0 {
			t.Errorf("min_score 0.99 kept %v (%v)", sources(none), err)
		}
	})
}

func sources(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Source
	}
	return out
}
