package views

import (
	"strings"
	"testing"

	"github.com/asi-evolve/asi/cognition"
)

func TestCognitionListings(t *testing.T) {
	item := cognition.Item{ID: "b2c54701-eda3-5ea9-9391-ec859514b52a", Kind: "prior", Count: 2, Source: "p.md#a",
		Content: "Corners:\nbig circles " + strings.Repeat("x", 500)}
	cut := "Corners:\n   big circles " + strings.Repeat("x", 400-len("Corners:\nbig circles ")) + "..."
	tests := []struct {
		name  string
		write func(View) error
		want  string
	}{
		{"items", func(v View) error { return v.CognitionItems([]cognition.Item{item}) },
			"b2c54701  prior   x2  p.md#a\n   " + cut + "\n1 items\n"},
		{"hits", func(v View) error {
			return v.CognitionHits([]cognition.Hit{{Record: cognition.Record{Item: item}, Score: 1, Similarity: 0.25}})
		}, "1. [prior, score 1.000, similarity 0.250] p.md#a\n   " + cut + "\n"},
		{"no hits", func(v View) error { return v.CognitionHits(nil) }, "No items match.\n"},
		{"imported", func(v View) error { return v.CognitionImported(8, 3, "st") }, "Imported 8 items (3 new) into st\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.write(View{W: &b}); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), tt.want)
			}
		})
	}
}

func TestCognitionJSONLines(t *testing.T) {
	items := []cognition.Item{{ID: "a", Kind: "prior", Content: "one"}, {ID: "b", Kind: "insight", Content: "two"}}
	var b strings.Builder
	if err := (View{W: &b, JSON: true}).CognitionItems(items); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(b.String()), "\n"); len(lines) != 2 || !strings.Contains(lines[1], `"kind":"insight"`) {
		t.Errorf("JSON lines:\n%s", b.String())
	}
}
