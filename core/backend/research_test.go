package backend

import (
	"testing"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/engine"
)

// TestNoveltyWiring checks what a novelty block hands the engine: with its
// defaults, no embedder (programs are compared only); with a threshold, the
// cognition block's embedder at that threshold.
func TestNoveltyWiring(t *testing.T) {
	tests := []struct {
		name      string
		threshold float64
		embedder  cognition.Embedder
	}{
		{"defaults", 0, nil},
		{"threshold set", 0.9, cognition.NewOffline(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &campaign.Config{Research: campaign.Research{Novelty: campaign.Novelty{Enabled: true, Threshold: tt.threshold}}}
			var ec engine.Config
			if err := researchConfig(cfg, &ec, embedder(cfg, nil)); err != nil {
				t.Fatal(err)
			}
			if ec.Novelty == nil || ec.Novelty.Threshold != tt.threshold || ec.Novelty.Embedder != tt.embedder {
				t.Fatalf("novelty = %+v, want threshold %v and embedder %v", ec.Novelty, tt.threshold, tt.embedder)
			}
		})
	}
}
