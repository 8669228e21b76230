package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/asi-evolve/asi/tasks/datacuration/corpus"
)

// maxOutput bounds the output Score reads: a little more than the corpus.
const maxOutput = 4 << 20

// Decision is what the candidate decided for one document.
type Decision struct {
	Keep bool
	Text string // the cleaned text, or the document when unchanged
}

// Measures are what Score computes from the kept text.
type Measures struct {
	Score        float64 // Accuracy * RefPerplexity/Perplexity * penalty
	Accuracy     float64 // probe questions answered right
	Perplexity   float64 // on held-out clean text
	KeptFraction float64 // documents kept
	Coverage     float64 // words kept / words of the corpus's clean documents
}

// Scorer holds what scoring needs besides the decisions: the corpus, the
// held-out text and probe, and the reference perplexity of a model trained
// on the whole corpus, uncleaned.
type Scorer struct {
	Set        corpus.Set
	RefPPL     float64
	cleanWords int
	MinKeep    float64
}

// NewScorer trains the reference model once.
func NewScorer(set corpus.Set, minKeep float64) *Scorer {
	all := make([]string, len(set.Docs))
	clean := 0
	for i, d := range set.Docs {
		all[i] = d.Text
		if d.Kind == corpus.KindClean {
			clean += len(corpus.Tokens(d.Text))
		}
	}
	return &Scorer{Set: set, RefPPL: Train(set.Vocab, all).Perplexity(set.Heldout), cleanWords: clean, MinKeep: minKeep}
}

// Parse reads exactly one JSON object {"decisions": [[keep, text|null]]}
// holding one decision per document of docs (in the order given), and
// checks that every cleaned text only deletes from its document.
func Parse(output []byte, docs []string) ([]Decision, error) {
	if len(output) > maxOutput {
		return nil, fmt.Errorf("%w: %d bytes of output, at most %d allowed", ErrMalformed, len(output), maxOutput)
	}
	var raw struct {
		Decisions [][]json.RawMessage `json:"decisions"`
	}
	dec := json.NewDecoder(bytes.NewReader(output))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %w (stdout must hold only the harness's JSON object; print logs to stderr)", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: text after the JSON object at byte %d (print logs to stderr)", ErrMalformed, dec.InputOffset())
	}
	if len(raw.Decisions) != len(docs) {
		return nil, fmt.Errorf("%w: %d decisions for %d documents", ErrCount, len(raw.Decisions), len(docs))
	}
	out := make([]Decision, len(docs))
	for i, d := range raw.Decisions {
		var text *string
		if len(d) != 2 || json.Unmarshal(d[0], &out[i].Keep) != nil || json.Unmarshal(d[1], &text) != nil {
			return nil, fmt.Errorf("%w: decision %d is not [keep, text or null]", ErrMalformed, i)
		}
		out[i].Text = docs[i]
		if text == nil {
			continue
		}
		if w, ok := deletesOnly(docs[i], *text); !ok {
			return nil, fmt.Errorf("%w: document %d (%.60q...): the cleaned text's word %q is not in the document at that point; cleaning may only delete", ErrNotDeleted, i, docs[i], w)
		}
		out[i].Text = *text
	}
	return out, nil
}

// deletesOnly reports whether the words of cleaned are a subsequence of the
// words of doc; when not, it returns the first word that breaks it.
func deletesOnly(doc, cleaned string) (string, bool) {
	have := corpus.Tokens(doc)
	j := 0
	for _, w := range corpus.Tokens(cleaned) {
		for j < len(have) && have[j] != w {
			j++
		}
		if j == len(have) {
			return w, false
		}
		j++
	}
	return "", true
}

// Score trains the model on the kept text of decisions and measures it.
func (s *Scorer) Score(decisions []Decision) (Measures, error) {
	var kept []string
	words := 0
	for _, d := range decisions {
		if d.Keep && strings.TrimSpace(d.Text) != "" {
			kept = append(kept, d.Text)
			words += len(corpus.Tokens(d.Text))
		}
	}
	if words == 0 {
		return Measures{}, fmt.Errorf("%w: kept %d of %d documents, with no words; a model needs text to train on", ErrNothing, len(kept), len(decisions))
	}
	m := Train(s.Set.Vocab, kept)
	ms := Measures{
		Accuracy:     m.Accuracy(s.Set.Probe),
		Perplexity:   m.Perplexity(s.Set.Heldout),
		KeptFraction: float64(len(kept)) / float64(len(decisions)),
		Coverage:     float64(words) / float64(s.cleanWords),
	}
	penalty := min(1, ms.Coverage/s.MinKeep)
	ms.Score = ms.Accuracy * s.RefPPL / ms.Perplexity * penalty
	return ms, nil
}
