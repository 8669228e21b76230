package store_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/internal/benchdata"
)

// BenchmarkCommitStep measures what the store alone costs a step of the
// engine benchmark (BenchmarkStep): claim a step, record the offline
// researcher's and analyzer's exchanges, commit a realistic node (8 KB
// of code and prose) with its event. Its rate is the most steps a second
// one worker can store, whatever the engine does.
func BenchmarkCommitStep(b *testing.B) {
	data, err := benchdata.Load("../..")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		step, _, _, err := st.ClaimStep(ctx, 0)
		if err != nil {
			b.Fatal(err)
		}
		node := data.Node(rng, step)
		for _, c := range []store.Call{{Step: step, Role: "researcher", Provider: store.OfflineProvider, Reply: node.Motivation},
			{Step: step, Role: "analyzer", Provider: store.OfflineProvider, Reply: node.Analysis}} {
			if err := st.RecordCall(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		events := []store.Event{{Kind: "node", Message: "step stored"}}
		if _, err := st.Commit(ctx, &node, nil, events); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "steps/s")
}
