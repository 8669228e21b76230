package backend

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/campaign"
)

// embedder is the cognition block's embedder: its model, or the offline
// one. cache keeps a model embedder's vectors (nil: none). A run builds
// it once, for the cognition base and the novelty check.
func embedder(cfg *campaign.Config, cache *cognition.DB) cognition.Embedder {
	c := cfg.Cognition
	if c.Embedder == "" {
		return cognition.NewOffline(c.Dimensions)
	}
	m := cfg.Models[c.Embedder]
	return cognition.NewOpenAI(cognition.OpenAIConfig{BaseURL: m.BaseURL, APIKey: m.APIKey, Model: m.Name, Cache: cache}, c.Dimensions)
}

// OpenCognition opens the cognition base of the campaign directory dir as
// the file configures it. The caller closes the DB after the base.
func OpenCognition(ctx context.Context, cfg *campaign.Config, dir string) (*cognition.Base, *cognition.DB, error) {
	db, err := cognition.OpenDB(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	base, err := openBase(ctx, cfg, db, embedder(cfg, db))
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return base, db, nil
}

// openBase opens the campaign's cognition base on db, with emb.
func openBase(ctx context.Context, cfg *campaign.Config, db *cognition.DB, emb cognition.Embedder) (*cognition.Base, error) {
	c := cfg.Cognition
	var st cognition.Store
	var err error
	switch c.Store {
	case campaign.StoreWeaviate:
		collection := c.Collection
		if collection == "" {
			collection = cognition.CollectionName(cfg.Campaign.Task)
		}
		st, err = cognition.OpenWeaviate(cognition.WeaviateConfig{URL: c.URL, Collection: collection}, emb.Name(), emb.Dim())
	default:
		st, err = cognition.OpenEmbedded(ctx, db, emb.Name(), emb.Dim())
	}
	if err != nil {
		return nil, fmt.Errorf("cognition: %w", err)
	}
	return cognition.NewBase(st, emb, db, cognition.Options{}), nil
}

// offlineInsights says whether the offline analyzer's insights go to the
// cognition base: always to the embedded one, the campaign's own; to a
// weaviate base, which other campaigns read, only when the file asks.
func offlineInsights(c campaign.Cognition) bool {
	return c.Store != campaign.StoreWeaviate || c.ShareOfflineInsights
}

// seedCognition imports the documents the file's seed globs match. It is
// idempotent: an item already stored is not stored again.
func seedCognition(ctx context.Context, cfg *campaign.Config, base *cognition.Base) (files, added int, err error) {
	var paths []string
	for _, g := range cfg.Cognition.Seed {
		m, err := filepath.Glob(cfg.Resolve(g))
		if err != nil {
			return 0, 0, fmt.Errorf("cognition seed %q: %w", g, err)
		}
		paths = append(paths, m...)
	}
	slices.Sort(paths)
	items, err := ReadCognitionFiles(paths)
	if err != nil {
		return 0, 0, err
	}
	added, err = base.Import(ctx, items)
	return len(paths), added, err
}

// ReadCognitionFiles reads Markdown (.md) and exported (.jsonl) files.
func ReadCognitionFiles(paths []string) ([]cognition.Item, error) {
	var items []cognition.Item
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("cognition: %w", err)
		}
		var got []cognition.Item
		if strings.HasSuffix(p, ".jsonl") {
			got, err = cognition.ReadJSONL(f)
		} else {
			got, err = cognition.ParseMarkdown(f, filepath.Base(p))
		}
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("cognition %s: %w", p, err)
		}
		items = append(items, got...)
	}
	return items, nil
}
