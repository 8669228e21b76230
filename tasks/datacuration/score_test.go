package main

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/tasks/datacuration/corpus"
	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	docs := []string{"<b>Varnholt exports copper.</b>", "Buy now!!!", "Home | About\nThe harbour was quiet."}
	tests := []struct {
		name    string
		output  string
		want    []Decision
		wantErr error
		wantMsg string
	}{
		{
			name:   "keep, drop and clean",
			output: `{"decisions": [[true, null], [false, null], [true, "The harbour was quiet."]]}`,
			want:   []Decision{{Keep: true, Text: docs[0]}, {Keep: false, Text: docs[1]}, {Keep: true, Text: "The harbour was quiet."}},
		},
		{
			name:   "claimed score is ignored",
			output: `{"score": 1, "decisions": [[true, null], [true, null], [true, null]]}`,
			want:   []Decision{{Keep: true, Text: docs[0]}, {Keep: true, Text: docs[1]}, {Keep: true, Text: docs[2]}},
		},
		{name: "too few", output: `{"decisions": [[true, null]]}`, wantErr: ErrCount, wantMsg: "1 decisions for 3 documents"},
		{name: "adds a word", output: `{"decisions": [[true, "varnholt exports amber"], [false, null], [true, null]]}`, wantErr: ErrNotDeleted, wantMsg: `word "amber"`},
		{name: "reorders words", output: `{"decisions": [[true, "copper exports varnholt"], [false, null], [true, null]]}`, wantErr: ErrNotDeleted},
		{name: "not a pair", output: `{"decisions": [[true], [false, null], [true, null]]}`, wantErr: ErrMalformed, wantMsg: "decision 0"},
		{name: "keep is not a bool", output: `{"decisions": [[1, null], [false, null], [true, null]]}`, wantErr: ErrMalformed},
		{name: "log line first", output: "starting\n" + `{"decisions": []}`, wantErr: ErrMalformed, wantMsg: "print logs to stderr"},
		{name: "text after", output: `{"decisions": [[true, null], [false, null], [true, null]]} {}`, wantErr: ErrMalformed, wantMsg: "text after the JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.output), docs)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), tt.wantMsg) {
					t.Errorf("err %q lacks %q", err, tt.wantMsg)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decisions (-want +got):\n%s", diff)
			}
		})
	}
}

// The scorer rewards what it claims to: dropping spam raises probe
// accuracy, keeping only clean text lowers perplexity, keeping too little
// is scaled down, keeping nothing is rejected.
func TestScorer(t *testing.T) {
	set := corpus.Generate(corpus.ShippedSeed)
	s := NewScorer(set, 0.5)
	score := func(keep func(corpus.Doc) bool) Measures {
		t.Helper()
		d := make([]Decision, len(set.Docs))
		for i, doc := range set.Docs {
			d[i] = Decision{Keep: keep(doc), Text: doc.Text}
		}
		m, err := s.Score(d)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	all := score(func(corpus.Doc) bool { return true })
	noSpam := score(func(d corpus.Doc) bool { return d.Kind != corpus.KindSpam })
	clean := score(func(d corpus.Doc) bool { return d.Kind == corpus.KindClean })
	few := score(func(d corpus.Doc) bool { return d.Kind == corpus.KindClean && len(d.Text)%8 == 0 })
	if math.Abs(all.Score-all.Accuracy) > 1e-12 || all.KeptFraction != 1 {
		t.Errorf("keeping everything: %+v, want score = accuracy (reference perplexity)", all)
	}
	if noSpam.Accuracy <= all.Accuracy {
		t.Errorf("accuracy without spam %.3f, want above keeping everything's %.3f", noSpam.Accuracy, all.Accuracy)
	}
	if clean.Perplexity >= noSpam.Perplexity || clean.Score <= noSpam.Score {
		t.Errorf("clean only %+v, want lower perplexity and a higher score than without spam %+v", clean, noSpam)
	}
	if few.Coverage >= 0.5 || few.Score > clean.Score*few.Coverage/0.5 {
		t.Errorf("an eighth of the clean text: %+v, want coverage below 0.5 and the score scaled down", few)
	}
	if _, err := s.Score(make([]Decision, len(set.Docs))); !errors.Is(err, ErrNothing) {
		t.Errorf("keeping nothing: err %v, want %v", err, ErrNothing)
	}
}

func FuzzParse(f *testing.F) {
	docs := []string{"<b>Varnholt exports copper.</b>", "Buy now!!!"}
	f.Add([]byte(`{"decisions": [[true, null], [false, "buy"]]}`))
	f.Add([]byte(`{"decisions": [[true, "varnholt copper"], [false, null]]}`))
	f.Add([]byte(`{"decisions": null}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, out []byte) {
		got, err := Parse(out, docs)
		if err != nil {
			return
		}
		if len(got) != len(docs) {
			t.Fatalf("%d decisions for %d documents", len(got), len(docs))
		}
		for i, d := range got {
			if _, ok := deletesOnly(docs[i], d.Text); !ok {
				t.Fatalf("decision %d adds words: %q", i, d.Text)
			}
		}
	})
}
