package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/internal/benchdata"
)

// noopTask accepts every candidate with a score derived from its code and
// feedback of a real evaluator's length, so the benchmark measures the
// engine, not an evaluator.
type noopTask struct{ data benchdata.Data }

func (t noopTask) Describe(context.Context) (task.Description, error) {
	return task.Description{Name: "noop", Language: "go", Statement: t.data.Statement, InitialProgram: t.data.Code,
		Primary: "score", Direction: task.Maximize}, nil
}

func (t noopTask) Evaluate(_ context.Context, c task.Candidate, _ int, seed int64) (task.Result, error) {
	rng := rand.New(rand.NewPCG(uint64(c.NodeID), uint64(seed)))
	return task.Result{Valid: true, Feedback: t.data.Text(rng, benchdata.FeedbackLen),
		Metrics: map[string]float64{"score": float64(len(c.Code)%97) + rng.Float64()}}, nil
}

// BenchmarkStep measures engine steps (sample, offline researcher, edit,
// no-op evaluation, offline analysis, commit) by one worker, by as many
// workers as cores, and by four a core (workers=N: with more steps than
// cores, one step's commit overlaps others' work and concurrent commits
// share a transaction), on a store of 1 node
// (the baseline) and of 10,000 and 100,000 nodes of a real campaign's
// size with the calls that made them (internal/benchdata; 100k only when
// ASI_BENCH_LARGE=1, as `make bench` sets: filling it takes minutes).
func BenchmarkStep(b *testing.B) {
	data, err := benchdata.Load("../..")
	if err != nil {
		b.Fatal(err)
	}
	sizes := []int{1, 10_000}
	if os.Getenv("ASI_BENCH_LARGE") == "1" {
		sizes = append(sizes, 100_000)
	}
	cores := runtime.GOMAXPROCS(0)
	counts := []int{1, cores, 4 * cores}
	if cores == 1 {
		counts = []int{1, 4}
	}
	for _, size := range sizes {
		for _, workers := range counts {
			name := fmt.Sprintf("nodes=%d", size)
			if workers > 1 {
				name += fmt.Sprintf("/workers=%d", workers)
			}
			b.Run(name, func(b *testing.B) { benchSteps(b, data, size, workers) })
		}
	}
}

// benchSteps runs b.N steps on workers goroutines, as Run's workers do.
func benchSteps(b *testing.B, data benchdata.Data, size, workers int) {
	ctx := context.Background()
	st := filledStore(b, data, size)
	defer st.Close()
	sampler, _ := sampling.New("ucb1", sampling.Options{})
	e, err := New(ctx, Config{Store: st, Task: noopTask{data}, Researcher: roles.NewOffline(), Analyzer: roles.OfflineAnalyzer{},
		Sampler: sampler, Seed: 1, Workers: workers})
	if err != nil {
		b.Fatal(err)
	}
	if err := e.prepare(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	if workers == 1 {
		for b.Loop() {
			if _, err := e.Step(ctx); err != nil {
				b.Fatal(err)
			}
		}
	} else {
		b.SetParallelism((workers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := e.Step(ctx); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "steps/s")
}

// templates holds the filled stores, removed by TestMain.
var templates = &benchdata.Templates{Dir: filepath.Join(os.TempDir(), fmt.Sprintf("asi-bench-stores-%d", os.Getpid()))}

// filledStore opens a copy of a store holding n realistic nodes.
func filledStore(b *testing.B, data benchdata.Data, n int) *store.Store {
	templates.Data = data
	return templates.Open(b, n)
}

// TestMain removes the benchmark's store templates.
func TestMain(m *testing.M) {
	code := m.Run()
	os.RemoveAll(templates.Dir)
	os.Exit(code)
}
