package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

const benchProgram = `package main

// EVOLVE-BLOCK-START
const a = 1.5
const b = 2.25
const c = 7
// EVOLVE-BLOCK-END

func main() {}
`

// noopTask accepts every candidate with a score derived from its length,
// so the benchmark measures the engine, not an evaluator.
type noopTask struct{}

func (noopTask) Describe(context.Context) (task.Description, error) {
	return task.Description{Name: "noop", Language: "go", InitialProgram: benchProgram, Primary: "score", Direction: task.Maximize}, nil
}

func (noopTask) Evaluate(_ context.Context, c task.Candidate, _ int, _ int64) (task.Result, error) {
	return task.Result{Valid: true, Metrics: map[string]float64{"score": float64(len(c.Code) % 97)}}, nil
}

// BenchmarkStep measures one engine step (sample, offline researcher,
// diff, no-op evaluation, offline analysis, commit) with a database of
// 1 node (the baseline) and of 10,000 nodes.
func BenchmarkStep(b *testing.B) {
	for _, size := range []int{1, 10_000} {
		b.Run(fmt.Sprintf("nodes=%d", size), func(b *testing.B) {
			ctx := context.Background()
			st, err := store.Open(ctx, b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			fill(b, st, size)
			sampler, _ := sampling.New("ucb1", sampling.Options{})
			e, err := New(ctx, Config{Store: st, Task: noopTask{}, Researcher: roles.NewOffline(), Analyzer: roles.OfflineAnalyzer{}, Sampler: sampler, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			if err := e.prepare(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := e.Step(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fill stores n nodes with varied scores as a long campaign would have.
func fill(b *testing.B, st *store.Store, n int) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		code := strings.Replace(benchProgram, "const c = 7", fmt.Sprintf("const c = %d", i), 1)
		var parents []int64
		if i > 0 {
			parents = []int64{int64(rng.IntN(i)) + 1}
		}
		node := &store.Node{Step: int64(i), Parents: parents, Name: fmt.Sprintf("n%d", i), Code: code,
			Metrics: map[string]float64{"score": rng.Float64()}, Valid: rng.IntN(10) > 0, Status: store.StatusOK}
		node.Score = node.Metrics["score"]
		if _, err := st.Commit(ctx, node, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}
