package main

import (
	"math"

	"github.com/asi-evolve/asi/tasks/datacuration/corpus"
)

// discount is the absolute discount of the trigram model.
const discount = 0.75

// unk stands for every word outside the vocabulary.
const unk = "<unk>"

// LM is a word trigram language model with interpolated absolute
// discounting over a closed vocabulary, backing off to an add-one unigram
// model. Words outside the vocabulary count as unk.
type LM struct {
	vocab   map[string]bool
	uni     map[string]float64
	total   float64
	bi, tri map[string]map[string]float64 // history -> next word -> count
}

// boundary pads the start of every document.
const boundary = "<s>"

// Train builds the model from documents.
func Train(vocab []string, docs []string) *LM {
	m := &LM{vocab: map[string]bool{unk: true}, uni: map[string]float64{}, bi: map[string]map[string]float64{}, tri: map[string]map[string]float64{}}
	for _, w := range vocab {
		m.vocab[w] = true
	}
	for _, d := range docs {
		u, v := boundary, boundary
		for _, w := range m.words(d) {
			m.uni[w]++
			m.total++
			add(m.bi, v, w)
			add(m.tri, u+" "+v, w)
			u, v = v, w
		}
	}
	return m
}

func add(t map[string]map[string]float64, h, w string) {
	if t[h] == nil {
		t[h] = map[string]float64{}
	}
	t[h][w]++
}

func (m *LM) words(text string) []string {
	ws := corpus.Tokens(text)
	for i, w := range ws {
		if !m.vocab[w] {
			ws[i] = unk
		}
	}
	return ws
}

// Prob is P(w | u v).
func (m *LM) Prob(u, v, w string) float64 {
	p := (m.uni[w] + 1) / (m.total + float64(len(m.vocab)))
	p = interpolate(m.bi[v], w, p)
	return interpolate(m.tri[u+" "+v], w, p)
}

// interpolate mixes the discounted counts of one history with the lower
// order estimate lower.
func interpolate(next map[string]float64, w string, lower float64) float64 {
	if len(next) == 0 {
		return lower
	}
	total := 0.0
	for _, c := range next {
		total += c
	}
	return math.Max(next[w]-discount, 0)/total + discount*float64(len(next))/total*lower
}

// Perplexity is exp of the mean negative log-probability per word of docs.
func (m *LM) Perplexity(docs []string) float64 {
	nll, n := 0.0, 0
	for _, d := range docs {
		u, v := boundary, boundary
		for _, w := range m.words(d) {
			nll -= math.Log(m.Prob(u, v, w))
			n++
			u, v = v, w
		}
	}
	return math.Exp(nll / float64(n))
}

// Accuracy is the fraction of probe questions whose right option the model
// finds strictly more probable after the context than every other option.
func (m *LM) Accuracy(probe []corpus.Question) float64 {
	right := 0
	for _, q := range probe {
		ctx := m.words(q.Context)
		u, v := ctx[len(ctx)-2], ctx[len(ctx)-1]
		best, bestP, tie := -1, -1.0, false
		for i, o := range q.Options {
			p := m.Prob(u, v, m.words(o)[0])
			switch {
			case p > bestP:
				best, bestP, tie = i, p, false
			case p == bestP:
				tie = true
			}
		}
		if best == q.Answer && !tie {
			right++
		}
	}
	return float64(right) / float64(len(probe))
}
