package cognition

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/cognition/weaviatetest"
)

var benchSizes = []struct {
	name string
	n    int
}{{"1k", 1_000}, {"10k", 10_000}, {"100k", 100_000}}

var benchVocabulary = strings.Fields(`circle radius centre lattice hexagonal corner wall boundary overlap margin
	gradient step perturb restart seed optimum linear program symmetric layout penalty sort pivot merge heap
	radix stable memory cache branch learning rate warmup decay dropout residual compiler inline unroll
	register spill index transaction durable join partition vacuum network backoff jitter timeout pool`)

// benchRecords makes n synthetic items of 8 to 20 words with offline vectors.
func benchRecords(n int) []Record {
	rng := rand.New(rand.NewPCG(1, 2))
	emb := NewOffline(0)
	out := make([]Record, n)
	for i := range out {
		words := make([]string, 8+rng.IntN(13))
		for j := range words {
			words[j] = benchVocabulary[rng.IntN(len(benchVocabulary))]
		}
		text := fmt.Sprintf("%s (%d)", strings.Join(words, " "), i)
		v, _ := emb.Embed(context.Background(), []string{text})
		out[i] = Record{Item: Item{ID: ItemID(KindPrior, text), Content: text, Kind: KindPrior, Count: 1, Created: time.Unix(0, 0)}, Vector: v[0]}
	}
	return out
}

var benchQueries = []string{
	"perturb the centres to escape a local optimum", "larger circles at the corner walls",
	"stable merge sort memory", "learning rate warmup and decay", "retry with backoff and jitter",
}

func benchQueryVectors() []Query {
	emb := NewOffline(0)
	qs := make([]Query, len(benchQueries))
	for i, q := range benchQueries {
		v, _ := emb.Embed(context.Background(), []string{q})
		qs[i] = Query{Text: q, Vector: v[0], Limit: 5, Alpha: 1}
	}
	return qs
}

// BenchmarkEmbeddedSearch measures one exact top-5 vector search (and a
// hybrid one) of the embedded store. The items are loaded in memory
// directly: the database only matters when the store opens.
// benchSearch runs the queries against s, by vector alone and hybrid, as
// sub-benchmarks of the size named.
func benchSearch(b *testing.B, size string, s Store, qs []Query) {
	for _, mode := range []struct {
		name  string
		alpha float64
	}{{"vector", 1}, {"hybrid", DefaultAlpha}} {
		b.Run(size+"/"+mode.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				q := qs[i%len(qs)]
				q.Alpha = mode.alpha
				if _, err := s.Search(context.Background(), q); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

func BenchmarkEmbeddedSearch(b *testing.B) {
	qs := benchQueryVectors()
	for _, size := range benchSizes {
		e := &Embedded{dim: DefaultDim, index: map[string]int{}, kw: newKeywords()}
		for _, r := range benchRecords(size.n) {
			e.put(r)
		}
		benchSearch(b, size.name, e, qs)
	}
}

// BenchmarkWeaviateSearch runs the same queries against a real Weaviate
// (HNSW index). Importing 100k items takes minutes, so that size runs only
// with ASI_BENCH_LARGE=1.
func BenchmarkWeaviateSearch(b *testing.B) {
	srv := weaviatetest.Start(b)
	qs := benchQueryVectors()
	emb := NewOffline(0)
	for _, size := range benchSizes {
		if size.n > 10_000 && os.Getenv("ASI_BENCH_LARGE") == "" {
			b.Logf("skipping weaviate %s: set ASI_BENCH_LARGE=1", size.name)
			continue
		}
		w, err := OpenWeaviate(WeaviateConfig{URL: weaviatetest.URL, Collection: "Bench" + size.name, HTTPClient: srv.HTTPClient()}, emb.Name(), emb.Dim())
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := w.Upsert(context.Background(), benchRecords(size.n)); err != nil {
			b.Fatal(err)
		}
		b.Logf("weaviate %s: imported in %v", size.name, time.Since(start).Round(time.Millisecond))
		benchSearch(b, size.name, w, qs)
	}
}
