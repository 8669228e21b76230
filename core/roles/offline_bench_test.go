package roles

import (
	"math/rand/v2"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/internal/benchdata"
)

// BenchmarkOfflineResearch measures one offline search step on the
// engine's benchmark programs: circle packing's initial Go program with
// three context nodes, as the engine's default sample shows.
func BenchmarkOfflineResearch(b *testing.B) {
	data, err := benchdata.Load("../..")
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var parents []llm.Parent
	for i := range int64(3) {
		n := data.Node(rng, i+1)
		parents = append(parents, llm.Parent{NodeID: i + 1, Code: n.Code, Score: n.Score})
	}
	b.ReportAllocs()
	seed := int64(0)
	for b.Loop() {
		seed++
		if _, err := research(parents, seed); err != nil {
			b.Fatal(err)
		}
	}
}
