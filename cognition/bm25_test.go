package cognition

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// mapKeywords is the plain BM25 index the posting lists replaced (a map
// of documents per term, a map of scores per search), kept as the
// reference their answers must equal.
type mapKeywords struct {
	postings map[string]map[int]int
	terms    [][]string
	length   []int
	total    int
}

func (k *mapKeywords) set(doc int, text string) {
	for doc >= len(k.length) {
		k.length = append(k.length, 0)
		k.terms = append(k.terms, nil)
	}
	for _, t := range k.terms[doc] {
		delete(k.postings[t], doc)
	}
	k.total -= k.length[doc]
	ts := keywordTerms(text)
	k.length[doc] = len(ts)
	k.total += len(ts)
	k.terms[doc] = k.terms[doc][:0]
	for _, t := range ts {
		p := k.postings[t]
		if p == nil {
			p = map[int]int{}
			k.postings[t] = p
		}
		if p[doc] == 0 {
			k.terms[doc] = append(k.terms[doc], t)
		}
		p[doc]++
	}
}

func (k *mapKeywords) search(text string, limit int) []scored {
	n := len(k.length)
	if n == 0 {
		return nil
	}
	avg := float64(k.total) / float64(n)
	if avg == 0 {
		avg = 1
	}
	scores := map[int]float64{}
	seen := map[string]bool{}
	for _, t := range keywordTerms(text) {
		if seen[t] {
			continue
		}
		seen[t] = true
		p := k.postings[t]
		if len(p) == 0 {
			continue
		}
		idf := math.Log(1 + (float64(n)-float64(len(p))+0.5)/(float64(len(p))+0.5))
		for doc, tf := range p {
			f := float64(tf)
			scores[doc] += idf * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*float64(k.length[doc])/avg))
		}
	}
	out := make([]scored, 0, len(scores))
	for doc, s := range scores {
		out = append(out, scored{doc, s})
	}
	slices.SortFunc(out, func(a, b scored) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return a.doc - b.doc
	})
	return out[:min(limit, len(out))]
}

// TestKeywordSearchSameAsMaps builds random indexes, documents added,
// replaced (by other text, by the same text, by no text) and searched in
// between, and holds every answer of the posting-list index to the map
// index's: the same documents in the same order with bit-identical
// scores.
func TestKeywordSearchSameAsMaps(t *testing.T) {
	vocabulary := strings.Fields("loss learning rate warmup cosine schedule batch size attention heads " +
		"layer norm dropout gradient clipping momentum adam weight decay curriculum filter dedupe quality " +
		"score tokens circle packing radius overlap boundary")
	text := func(r *rand.Rand) string {
		words := make([]string, r.IntN(30))
		for i := range words {
			words[i] = vocabulary[r.IntN(len(vocabulary))]
		}
		if r.IntN(10) == 0 {
			words = append(words, "the", "and") // stop words, dropped by both
		}
		return strings.Join(words, " ")
	}
	for seed := range uint64(30) {
		r := rand.New(rand.NewPCG(seed, 7))
		got, want := newKeywords(), &mapKeywords{postings: map[string]map[int]int{}}
		var texts []string
		docs := 0
		for op := range 400 {
			switch x := r.IntN(10); {
			case x < 5 || docs == 0:
				s := text(r)
				got.set(docs, s)
				want.set(docs, s)
				texts = append(texts, s)
				docs++
			case x < 7:
				doc, s := r.IntN(docs), text(r)
				if x == 6 {
					s = texts[doc] // set again with the same text
				}
				got.set(doc, s)
				want.set(doc, s)
				texts[doc] = s
			default:
				q, limit := text(r), 1+r.IntN(25)
				a, b := got.search(q, limit), want.search(q, limit)
				if fmt.Sprint(a) != fmt.Sprint(b) || !sameScores(a, b) {
					t.Fatalf("seed %d, op %d: search %q (limit %d) over %d documents\n got %v\nwant %v", seed, op, q, limit, docs, a, b)
				}
			}
		}
	}
}

func sameScores(a, b []scored) bool {
	return slices.EqualFunc(a, b, func(x, y scored) bool {
		return x.doc == y.doc && math.Float64bits(x.score) == math.Float64bits(y.score)
	})
}

// TestUpsertReindexesChangedText checks that an item stored again under
// its ID is found by its new words and no longer by its old ones, and
// that storing it again unchanged (its count raised) keeps it found.
func TestUpsertReindexesChangedText(t *testing.T) {
	ctx := context.Background()
	_, s, offline := openOfflineEmbedded(t)
	store := func(content string, count int) {
		t.Helper()
		v, err := offline.Embed(ctx, []string{content})
		if err != nil {
			t.Fatal(err)
		}
		r := Record{Item: Item{ID: "item", Content: content, Kind: KindInsight, Count: count, Created: time.Now()}, Vector: v[0]}
		if err := s.Upsert(ctx, []Record{r}); err != nil {
			t.Fatal(err)
		}
	}
	found := func(word string) bool {
		t.Helper()
		hits, err := s.Search(ctx, Query{Text: word, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		return len(hits) == 1 && hits[0].ID == "item"
	}
	store("warmup helps the loss", 1)
	store("warmup helps the loss", 2)
	if !found("warmup") {
		t.Fatal("an item stored again unchanged is no longer found by its words")
	}
	store("cosine schedule lowers the loss", 3)
	if found("warmup") || !found("cosine") {
		t.Fatalf("after its text changed: found by an old word %v, by a new one %v; want false, true", found("warmup"), found("cosine"))
	}
}
