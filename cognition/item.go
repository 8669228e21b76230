package cognition

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kind says where an item came from.
type Kind string

const (
	KindPrior   Kind = "prior"   // given by a person before the run
	KindInsight Kind = "insight" // a lesson the analyzer wrote back
	KindFailure Kind = "failure" // a failure that kept recurring
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{KindPrior, KindInsight, KindFailure}

// Item is one piece of knowledge.
type Item struct {
	ID      string    `json:"id"` // ItemID(Kind, Content) unless imported with one
	Content string    `json:"content"`
	Source  string    `json:"source,omitempty"` // file#section, node N, ...
	Kind    Kind      `json:"kind"`
	Tags    []string  `json:"tags,omitempty"`
	Node    int64     `json:"node,omitempty"`  // the node that produced it; 0 for priors
	Count   int       `json:"count,omitempty"` // times it was written, merges included; at least 1
	Created time.Time `json:"created"`
}

// Record is an item with its vector, as a Store keeps it.
type Record struct {
	Item
	Vector []float32
}

// Hit is a search result.
type Hit struct {
	Record
	// Score orders the results of one search: the cosine similarity for a
	// vector search, BM25 for a keyword search, the fused score in [0, 1]
	// for a hybrid one.
	Score float64
	// Similarity is the cosine similarity between the query vector and the
	// item's vector; 0 for a keyword-only search.
	Similarity float64
}

// ItemID derives an item's ID from its kind and content, ignoring case and
// spacing, so the same text is stored once. It is formatted as a UUID, which
// Weaviate requires of object IDs.
func ItemID(kind Kind, content string) string {
	norm := strings.Join(strings.Fields(strings.ToLower(content)), " ")
	sum := sha256.Sum256([]byte(string(kind) + "\x00" + norm))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50 // version 5 layout, name-based
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// normalize fills the defaults an item may leave out and checks the rest.
func (it *Item) normalize(now time.Time) error {
	it.Content = strings.TrimSpace(it.Content)
	if it.Content == "" {
		return fmt.Errorf("cognition item %q: empty content", it.Source)
	}
	if it.Kind == "" {
		it.Kind = KindPrior
	}
	if !slices.Contains(Kinds, it.Kind) {
		return fmt.Errorf("cognition item %q: unknown kind %q (want prior, insight or failure)", it.Source, it.Kind)
	}
	if it.ID == "" {
		it.ID = ItemID(it.Kind, it.Content)
	}
	if it.Count < 1 {
		it.Count = 1
	}
	if it.Created.IsZero() {
		it.Created = now
	}
	it.Created = it.Created.UTC()
	it.Tags = mergeTags(nil, it.Tags)
	return nil
}

// mergeTags returns the sorted union of two tag lists without empty tags.
func mergeTags(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	for _, t := range slices.Concat(a, b) {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sortItems orders items oldest first, then by ID.
func sortItems(items []Item) {
	slices.SortStableFunc(items, func(a, b Item) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
