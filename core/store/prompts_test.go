package store

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestPromptVariantsRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := s.AddPromptVariant(ctx, PromptVariant{Text: "frame", Origin: PromptBuiltin}, 0)
	if err != nil {
		t.Fatal(err)
	}
	offline, err := s.AddPromptVariant(ctx, PromptVariant{Parent: builtin, Text: "frame. more", Origin: PromptOffline, CreatedStep: 10}, 0)
	if err != nil {
		t.Fatal(err)
	}
	model, err := s.AddPromptVariant(ctx, PromptVariant{Parent: offline, Text: "new", Origin: PromptModel, CreatedStep: 20}, builtin)
	if err != nil {
		t.Fatal(err)
	}
	for step, v := range map[int64]int64{1: builtin, 2: offline, 3: offline} {
		if err := s.SetPromptUse(ctx, step, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetPromptUse(ctx, 3, model); err != nil { // a step run again
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(ctx, dir) // what a resumed campaign reads
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.PromptVariants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []PromptVariant{
		{ID: builtin, Text: "frame", Origin: PromptBuiltin, Retired: true, RetiredStep: 20},
		{ID: offline, Parent: builtin, Text: "frame. more", Origin: PromptOffline, CreatedStep: 10},
		{ID: model, Parent: offline, Text: "new", Origin: PromptModel, CreatedStep: 20},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(PromptVariant{}, "CreatedAt")); diff != "" {
		t.Errorf("variants (-want +got):\n%s", diff)
	}
	uses, err := s.PromptUses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[int64]int64{1: builtin, 2: offline, 3: model}, uses); diff != "" {
		t.Errorf("uses (-want +got):\n%s", diff)
	}
	if v, err := s.PromptUse(ctx, 2); err != nil || v != offline {
		t.Errorf("PromptUse(2) = %d, %v; want %d", v, err, offline)
	}
	if _, err := s.PromptUse(ctx, 9); !errors.Is(err, ErrNotFound) {
		t.Errorf("PromptUse(9) err = %v, want ErrNotFound", err)
	}
}

func TestAddPromptVariantRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	first, err := s.AddPromptVariant(ctx, PromptVariant{Text: "frame", Origin: PromptBuiltin}, 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		v      PromptVariant
		retire int64
	}{
		{name: "unknown origin", v: PromptVariant{Text: "x", Origin: "human"}},
		{name: "retiring a variant that does not exist", v: PromptVariant{Text: "x", Origin: PromptOffline}, retire: 42},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.AddPromptVariant(ctx, tt.v, tt.retire); err == nil {
				t.Fatal("AddPromptVariant succeeded, want an error")
			}
			got, err := s.PromptVariants(ctx)
			if err != nil || len(got) != 1 || got[0].ID != first || got[0].Retired {
				t.Fatalf("after a failed add the archive is %+v, %v; want the first variant alone, in use", got, err)
			}
		})
	}
}

func TestTallyPrompts(t *testing.T) {
	nodes := []Node{
		{ID: 1, Step: 0, Valid: true, Score: 1},
		{ID: 2, Step: 1, Parents: []int64{1}, Valid: true, Score: 3},                   // variant 1: gain +2
		{ID: 3, Step: 2, Parents: []int64{1}, Valid: true, Score: 0},                   // variant 2: gain -1
		{ID: 4, Step: 3, Parents: []int64{1}, Valid: false, Status: StatusFailed},      // variant 2: invalid
		{ID: 5, Step: 4, Parents: []int64{1}, Valid: false, Status: StatusInfraFailed}, // variant 2: not counted
		{ID: 6, Step: 5, Parents: []int64{4}, Valid: true, Score: 9},                   // variant 1: from an invalid parent
		{ID: 7, Step: 6, Parents: []int64{1}, Valid: true, Score: 5},                   // no recorded variant
	}
	uses := map[int64]int64{1: 1, 2: 2, 3: 2, 4: 2, 5: 1, 9: 1}
	tests := []struct {
		name     string
		maximize bool
		uses     map[int64]int
		mean     map[int64]float64
	}{
		{
			name: "maximize", maximize: true,
			uses: map[int64]int{1: 2, 2: 2, 3: 0},
			// scale 2: variant 1 (2/2 + 1)/2, variant 2 (-1/2 - 1)/2
			mean: map[int64]float64{1: 1, 2: -0.75, 3: 0},
		},
		{
			name: "minimize", maximize: false,
			uses: map[int64]int{1: 2, 2: 2},
			// gains -2 and +1, scale 2: variant 1 (-1 + 1)/2, variant 2 (0.5 - 1)/2
			mean: map[int64]float64{1: 0, 2: -0.25},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tally := TallyPrompts(nodes, uses, tt.maximize)
			for v, want := range tt.uses {
				if got := tally.Uses(v); got != want {
					t.Errorf("Uses(%d) = %d, want %d", v, got, want)
				}
			}
			for v, want := range tt.mean {
				if got := tally.MeanCredit(v); math.Abs(got-want) > 1e-12 {
					t.Errorf("MeanCredit(%d) = %g, want %g", v, got, want)
				}
			}
		})
	}
}
