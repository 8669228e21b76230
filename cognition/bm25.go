package cognition

import (
	"math"
	"slices"
	"sync"
)

// BM25 parameters (the usual ones, also Weaviate's defaults).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// keywords is an in-memory BM25 index over documents numbered from 0.
// Callers synchronise; searches may run concurrently with each other.
type keywords struct {
	analyze  func(string) []string // a text's terms: keywordTerms in the stores
	postings map[string][]posting  // term -> the documents holding it
	terms    [][]string            // doc -> its distinct terms, to remove it
	length   []int                 // doc -> number of terms
	total    int
	scratch  sync.Pool // *[]float64: a search's score per document, zero between searches
}

// posting is one document's count of a term.
type posting struct {
	doc, tf int32
}

func newKeywords() *keywords { return newKeywordsWith(keywordTerms) }

// newKeywordsWith returns an index that reads terms with analyze.
func newKeywordsWith(analyze func(string) []string) *keywords {
	return &keywords{analyze: analyze, postings: map[string][]posting{}}
}

// keywordTerms are the terms BM25 sees: lowercase words without stop words
// and without stemming (plain keyword search).
func keywordTerms(text string) []string {
	var out []string
	for _, w := range words(text) {
		if !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// set indexes doc's text, replacing what it had.
func (k *keywords) set(doc int, text string) {
	for doc >= len(k.length) {
		k.length = append(k.length, 0)
		k.terms = append(k.terms, nil)
	}
	for _, t := range k.terms[doc] {
		k.postings[t] = slices.DeleteFunc(k.postings[t], func(p posting) bool { return int(p.doc) == doc })
	}
	k.total -= k.length[doc]
	ts := k.analyze(text)
	k.length[doc] = len(ts)
	k.total += len(ts)
	counts := map[string]int32{}
	k.terms[doc] = k.terms[doc][:0]
	for _, t := range ts {
		if counts[t] == 0 {
			k.terms[doc] = append(k.terms[doc], t)
		}
		counts[t]++
	}
	for _, t := range k.terms[doc] {
		k.postings[t] = append(k.postings[t], posting{doc: int32(doc), tf: counts[t]})
	}
}

// search scores every document holding a query term and returns the best
// limit of them.
func (k *keywords) search(text string, limit int) []scored {
	n := len(k.length)
	if n == 0 {
		return nil
	}
	avg := float64(k.total) / float64(n)
	if avg == 0 {
		avg = 1
	}
	scores := k.scores(n)
	defer k.scratch.Put(scores)
	var hit []int32 // documents with a score, each once
	seen := map[string]bool{}
	for _, t := range k.analyze(text) {
		if seen[t] {
			continue
		}
		seen[t] = true
		p := k.postings[t]
		if len(p) == 0 {
			continue
		}
		idf := math.Log(1 + (float64(n)-float64(len(p))+0.5)/(float64(len(p))+0.5))
		for _, d := range p {
			f := float64(d.tf)
			s := &(*scores)[d.doc]
			if *s == 0 {
				hit = append(hit, d.doc)
			}
			*s += idf * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*float64(k.length[d.doc])/avg))
		}
	}
	top := topK{k: limit}
	for _, doc := range hit {
		top.push(int(doc), (*scores)[doc])
		(*scores)[doc] = 0
	}
	return top.sorted()
}

// scores returns a zeroed score per document, reused across searches.
func (k *keywords) scores(n int) *[]float64 {
	s, _ := k.scratch.Get().(*[]float64)
	if s == nil {
		s = new([]float64)
	}
	if len(*s) < n {
		*s = make([]float64, n)
	}
	return s
}
