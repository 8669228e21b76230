package views

import (
	"fmt"
	"strings"

	"github.com/asi-evolve/asi/cognition"
)

// maxItemText is how much of an item's content a listing shows.
const maxItemText = 400

// CognitionHits writes the results of a cognition search, best first: as
// text a numbered list with scores, as JSON the items as JSON lines (the
// format `asi cognition import` reads).
func (v View) CognitionHits(hits []cognition.Hit) error {
	if v.JSON {
		items := make([]cognition.Item, len(hits))
		for i, h := range hits {
			items[i] = h.Item
		}
		return cognition.WriteJSONL(v.W, items)
	}
	for i, h := range hits {
		fmt.Fprintf(v.W, "%d. [%s, score %.3f, similarity %.3f] %s\n   %s\n", i+1, h.Kind, h.Score, h.Similarity, h.Source, itemText(h.Content))
	}
	if len(hits) == 0 {
		_, err := fmt.Fprintln(v.W, "No items match.")
		return err
	}
	return nil
}

// CognitionItems writes stored items: as text one entry each and a count,
// as JSON the items as JSON lines (the format `asi cognition import` reads).
func (v View) CognitionItems(items []cognition.Item) error {
	if v.JSON {
		return cognition.WriteJSONL(v.W, items)
	}
	for _, it := range items {
		fmt.Fprintf(v.W, "%s  %-7s x%d  %s\n   %s\n", it.ID[:8], it.Kind, it.Count, it.Source, itemText(it.Content))
	}
	_, err := fmt.Fprintf(v.W, "%d items\n", len(items))
	return err
}

// CognitionImported writes how many items an import read and how many of
// them were new to the base in dir. It has no JSON form.
func (v View) CognitionImported(read, added int, dir string) error {
	_, err := fmt.Fprintf(v.W, "Imported %d items (%d new) into %s\n", read, added, dir)
	return err
}

// itemText is an item's content cut to maxItemText bytes and indented under
// its heading line.
func itemText(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > maxItemText {
		s = s[:maxItemText] + "..."
	}
	return strings.ReplaceAll(s, "\n", "\n   ")
}
