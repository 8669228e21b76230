package cognition

import (
	"context"
	"encoding/json"
	"math"
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

func readSet(t *testing.T, path string) labelledSet {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var set labelledSet
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	return set
}

// stemmedTerms are the words the offline embedder hashes as stems: the
// same split, stop words and stemmer. BM25 over them compares keyword
// search with the embedder on equal terms.
func stemmedTerms(text string) []string {
	var out []string
	for _, w := range words(text) {
		if !stopWords[w] {
			out = append(out, stem(w))
		}
	}
	return out
}

// TestRetrievalQuality measures recall@5 over the 60 items of
// testdata/retrieval.json with two query sets: the 20 queries written with
// the items (other forms of the items' own words) and the 32 held-out
// paraphrases of testdata/paraphrases.json, written apart from the items
// in other words. Each set is searched four ways: the offline embedder
// alone, BM25 over the embedder's own stemmed terms (equal terms), BM25 as
// the embedded store runs it (words unstemmed), and the hybrid the loop
// uses. docs/cognition.md publishes the table this test asserts.
func TestRetrievalQuality(t *testing.T) {
	set := readSet(t, "testdata/retrieval.json")
	paraphrases := readSet(t, "testdata/paraphrases.json")
	ctx := context.Background()
	emb := NewOffline(0)
	st, err := OpenEmbedded(ctx, openDB(t), emb.Name(), emb.Dim())
	if err != nil {
		t.Fatal(err)
	}
	b := NewBase(st, emb, nil, Options{})
	items := make([]Item, len(set.Items))
	stemmed := newKeywordsWith(stemmedTerms)
	for i, it := range set.Items {
		items[i] = Item{Content: it.Text, Source: it.ID}
		stemmed.set(i, it.Text)
	}
	if _, err := b.Import(ctx, items); err != nil {
		t.Fatal(err)
	}
	store := func(alpha float64) func(string) []string {
		return func(q string) []string {
			vec, err := emb.Embed(ctx, []string{q})
			if err != nil {
				t.Fatal(err)
			}
			hits, err := st.Search(ctx, Query{Text: q, Vector: vec[0], Limit: 5, Alpha: alpha})
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]string, len(hits))
			for i, h := range hits {
				ids[i] = h.Source
			}
			return ids
		}
	}
	searches := []struct {
		name   string
		search func(string) []string
	}{
		{"offline embedder", store(1)},
		{"BM25, stemmed as the embedder", func(q string) []string {
			var ids []string
			for _, s := range stemmed.search(q, 5) {
				ids = append(ids, set.Items[s.doc].ID)
			}
			return ids
		}},
		{"BM25 as stored (unstemmed)", store(0)},
		{"hybrid, alpha 0.75", store(DefaultAlpha)},
	}

	tests := []struct {
		name    string
		set     labelledSet
		noWords int       // queries sharing no stemmed term with their relevant items
		want    []float64 // recall@5 of each search, as docs/cognition.md gives it
	}{
		{"queries written with the items", set, 0, []float64{0.950, 1.000, 0.692, 0.950}},
		{"held-out paraphrases", paraphrases, 23, []float64{0.307, 0.229, 0.203, 0.307}},
	}
	text := map[string]string{}
	for _, it := range set.Items {
		text[it.ID] = it.Text
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			noWords := 0
			for _, q := range tt.set.Queries {
				shared := map[string]bool{}
				for _, w := range stemmedTerms(q.Text) {
					shared[w] = true
				}
				common := false
				for _, rel := range q.Relevant {
					if _, ok := text[rel]; !ok {
						t.Fatalf("query %q: no item %q", q.Text, rel)
					}
					for _, w := range stemmedTerms(text[rel]) {
						common = common || shared[w]
					}
				}
				if !common {
					noWords++
				}
			}
			if noWords != tt.noWords {
				t.Errorf("%d of %d queries share no stemmed word with their items, want %d", noWords, len(tt.set.Queries), tt.noWords)
			}
			for i, s := range searches {
				var sum float64
				for _, q := range tt.set.Queries {
					hits := s.search(q.Text)
					found := 0
					for _, rel := range q.Relevant {
						for _, h := range hits {
							if h == rel {
								found++
								break
							}
						}
					}
					sum += float64(found) / float64(len(q.Relevant))
				}
				recall := sum / float64(len(tt.set.Queries))
				t.Logf("%-32s recall@5 %.3f over %d queries", s.name, recall, len(tt.set.Queries))
				if math.Abs(recall-tt.want[i]) > 0.0005 {
					t.Errorf("%s: recall@5 %.4f, docs/cognition.md says %.3f", s.name, recall, tt.want[i])
				}
			}
		})
	}
}
