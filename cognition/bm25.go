package cognition

import "math"

// BM25 parameters (the usual ones, also Weaviate's defaults).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// keywords is an in-memory BM25 index over documents numbered from 0.
// Callers synchronise.
type keywords struct {
	analyze  func(string) []string  // a text's terms: keywordTerms in the stores
	postings map[string]map[int]int // term -> doc -> term frequency
	terms    [][]string             // doc -> its distinct terms, to remove it
	length   []int                  // doc -> number of terms
	total    int
}

func newKeywords() *keywords { return newKeywordsWith(keywordTerms) }

// newKeywordsWith returns an index that reads terms with analyze.
func newKeywordsWith(analyze func(string) []string) *keywords {
	return &keywords{analyze: analyze, postings: map[string]map[int]int{}}
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
		delete(k.postings[t], doc)
	}
	k.total -= k.length[doc]
	ts := k.analyze(text)
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
	scores := map[int]float64{}
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
		for doc, tf := range p {
			f := float64(tf)
			scores[doc] += idf * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*float64(k.length[doc])/avg))
		}
	}
	top := topK{k: limit}
	for doc, s := range scores {
		top.push(doc, s)
	}
	return top.sorted()
}
