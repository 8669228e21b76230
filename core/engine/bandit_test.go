package engine

import (
	"math/rand/v2"
	"testing"

	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

func TestBanditCreditsGainOverTheParent(t *testing.T) {
	tests := []struct {
		name        string
		dir         task.Direction
		score       float64
		valid       bool
		parent      float64
		parentValid bool
		want        float64
	}{
		{"better child", task.Maximize, 5, true, 3, true, 2},
		{"worse child counts nothing", task.Maximize, 1, true, 3, true, 0},
		{"better when minimizing", task.Minimize, 1, true, 3, true, 2},
		{"valid child of an invalid parent", task.Maximize, -7, true, 0, false, 1},
		{"invalid child", task.Maximize, 9, false, 3, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBandit(Config{Researchers: []Arm{{Label: "a"}, {Label: "b"}}}, tt.dir)
			b.observe(1, store.Node{Score: tt.score, Valid: tt.valid}, tt.parent, tt.parentValid, 0.5)
			b.observe(-1, store.Node{Score: 100, Valid: true}, 0, true, 1) // the fallback: no arm
			if got := b.stats[1]; got != (armStats{steps: 1, gain: tt.want, cost: 0.5}) {
				t.Fatalf("arm stats %+v, want gain %v at cost 0.5", got, tt.want)
			}
			if b.stats[0] != (armStats{}) {
				t.Fatalf("untouched arm %+v", b.stats[0])
			}
		})
	}
}

func TestBanditTriesEveryArmFirst(t *testing.T) {
	arms := []Arm{{Label: "a"}, {Label: "b"}, {Label: "c"}}
	b := newBandit(Config{Researchers: arms, Choice: ChoiceUCB}, task.Maximize)
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[int]bool{}
	for range arms {
		_, arm := b.pick(rng)
		seen[arm] = true
		b.observe(arm, store.Node{}, 0, true, 0)
	}
	if len(seen) != len(arms) {
		t.Fatalf("first %d picks chose arms %v, want each once", len(arms), seen)
	}
}
