package backend

import (
	"testing"

	"github.com/asi-evolve/asi/core/engine"
)

// TestTurnOffEveryPiece checks that each ablation piece turned off leaves
// its part of the engine's configuration off and the others on.
func TestTurnOffEveryPiece(t *testing.T) {
	full := func() engine.Config {
		return engine.Config{
			Cognition: nil, MaxRepairs: 2, Thresholds: map[string]float64{"quick": 1},
			Judge: &engine.Judge{}, Novelty: &engine.Novelty{}, Manager: &engine.Manager{},
			Researchers: []engine.Arm{{Label: "a"}, {Label: "b"}},
			Prompts:     &engine.PromptEvolution{}, Feedback: &engine.Feedback{MaxChars: 2000},
		}
	}
	off := map[string]func(engine.Config) bool{
		"repair":   func(ec engine.Config) bool { return ec.MaxRepairs == 0 },
		"cascade":  func(ec engine.Config) bool { return ec.NoCascade && ec.Thresholds == nil },
		"judge":    func(ec engine.Config) bool { return ec.Judge == nil },
		"novelty":  func(ec engine.Config) bool { return ec.Novelty == nil },
		"manager":  func(ec engine.Config) bool { return ec.Manager == nil },
		"bandit":   func(ec engine.Config) bool { return ec.Researchers == nil },
		"prompts":  func(ec engine.Config) bool { return ec.Prompts == nil },
		"feedback": func(ec engine.Config) bool { return ec.Feedback == nil },
	}
	for piece, isOff := range off {
		ec := full()
		turnOff(&ec, map[string]bool{piece: true})
		if !isOff(ec) {
			t.Errorf("-off %s left it on", piece)
		}
		for other, otherOff := range off {
			if other != piece && otherOff(ec) {
				t.Errorf("-off %s also turned off %s", piece, other)
			}
		}
	}
	for _, piece := range []string{"feedback", "prompts"} {
		found := false
		for _, p := range AblationPieces {
			found = found || p == piece
		}
		if !found {
			t.Errorf("%s is not an ablation piece", piece)
		}
	}
}
