package cognition

import (
	"context"
	"encoding/json"
	"os"
	"testing"
)

type labelledSet struct {
	Items []struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	} `json:"items"`
	Queries []struct {
		Text     string   `json:"text"`
		Relevant []string `json:"relevant"`
	} `json:"queries"`
}

// TestRetrievalQuality measures recall@5 on a small labelled set: the
// offline embedder alone, keyword (BM25) alone, and the hybrid the loop
// uses. The queries paraphrase their items with other forms of the words,
// which is where keyword search falls short.
func TestRetrievalQuality(t *testing.T) {
	raw, err := os.ReadFile("testdata/retrieval.json")
	if err != nil {
		t.Fatal(err)
	}
	var set labelledSet
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	emb := NewOffline(0)
	db := openDB(t)
	st, err := OpenEmbedded(ctx, db, emb.Name(), emb.Dim())
	if err != nil {
		t.Fatal(err)
	}
	b := NewBase(st, emb, nil, Options{})
	items := make([]Item, len(set.Items))
	for i, it := range set.Items {
		items[i] = Item{Content: it.Text, Source: it.ID}
	}
	if _, err := b.Import(ctx, items); err != nil {
		t.Fatal(err)
	}
	recall := func(alpha float64) float64 {
		var sum float64
		for _, q := range set.Queries {
			vec, _ := emb.Embed(ctx, []string{q.Text})
			hits, err := st.Search(ctx, Query{Text: q.Text, Vector: vec[0], Limit: 5, Alpha: alpha})
			if err != nil {
				t.Fatal(err)
			}
			found := 0
			for _, rel := range q.Relevant {
				for _, h := range hits {
					if h.Source == rel {
						found++
						break
					}
				}
			}
			sum += float64(found) / float64(len(q.Relevant))
		}
		return sum / float64(len(set.Queries))
	}
	offline, keyword, hybrid := recall(1), recall(0), recall(DefaultAlpha)
	t.Logf("recall@5 over %d queries, %d items: offline embedder %.3f, keyword (BM25) %.3f, hybrid (alpha %.2f) %.3f",
		len(set.Queries), len(set.Items), offline, keyword, DefaultAlpha, hybrid)
	if offline <= keyword {
		t.Errorf("offline embedder recall@5 %.3f is not above keyword-only %.3f", offline, keyword)
	}
	if hybrid < keyword {
		t.Errorf("hybrid recall@5 %.3f is below keyword-only %.3f", hybrid, keyword)
	}
}
