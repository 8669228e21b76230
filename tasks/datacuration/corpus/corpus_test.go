package corpus

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGenerateIsDeterministic(t *testing.T) {
	if diff := cmp.Diff(Generate(3), Generate(3), cmp.AllowUnexported(Set{})); diff != "" {
		t.Errorf("two sets of seed 3 differ:\n%s", diff)
	}
	if cmp.Equal(Generate(3).Docs, Generate(4).Docs) {
		t.Error("seeds 3 and 4 give the same documents")
	}
}

func TestGenerate(t *testing.T) {
	set := Generate(ShippedSeed)
	kinds := map[string]int{}
	vocab := map[string]bool{}
	for _, w := range set.Vocab {
		vocab[w] = true
	}
	for _, d := range set.Docs {
		kinds[d.Kind]++
		if d.Kind == KindClean || d.Kind == KindDuplicate {
			for _, w := range Tokens(d.Text) {
				if !vocab[w] {
					t.Fatalf("clean word %q is not in the vocabulary: %.80q", w, d.Text)
				}
			}
		}
	}
	want := map[string]int{KindClean: cleanDocs}
	for k, n := range Mix {
		want[k] = n
	}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("documents by kind (-want +got):\n%s", diff)
	}
	if len(set.Probe) != len(topics)*factsPerTopic || len(set.Heldout) != heldoutDocs {
		t.Errorf("%d probe questions and %d held-out documents", len(set.Probe), len(set.Heldout))
	}
	texts := map[string]bool{}
	for _, d := range set.Docs {
		texts[d.Text] = true
	}
	for _, h := range set.Heldout {
		if texts[h] {
			t.Fatalf("held-out document is in the corpus: %.80q", h)
		}
	}
	for _, q := range set.Probe {
		if len(q.Options) != 4 || q.Answer < 0 || slices.Index(q.Options, q.Options[q.Answer]) != q.Answer {
			t.Fatalf("bad question %+v", q)
		}
		// The true fact is stated in the clean documents.
		found := false
		for _, d := range set.Docs {
			if d.Kind == KindClean && strings.Contains(strings.ToLower(d.Text), q.Context+" "+q.Options[q.Answer]) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no clean document states %q %q", q.Context, q.Options[q.Answer])
		}
	}
}

func TestTokens(t *testing.T) {
	got := Tokens("Varnholt exports <b>COPPER</b>; fÃ©nnel!")
	want := []string{"varnholt", "exports", "b", "copper", "b", "f", "nnel"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tokens (-want +got):\n%s", diff)
	}
}
