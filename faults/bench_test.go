package faults

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/llm"
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

// sleepTask scores by length after sleeping a fixed time: with sleep 0 it
// is the no-op evaluator that makes a benchmark measure the engine.
type sleepTask struct{ sleep time.Duration }

func (sleepTask) Describe(context.Context) (task.Description, error) {
	return task.Description{Name: "bench", Language: "go", InitialProgram: benchProgram, Primary: "score", Direction: task.Maximize}, nil
}

func (s sleepTask) Evaluate(ctx context.Context, c task.Candidate, _ int, _ int64) (task.Result, error) {
	if s.sleep > 0 {
		select {
		case <-time.After(s.sleep):
		case <-ctx.Done():
			return task.Result{}, ctx.Err()
		}
	}
	return task.Result{Valid: true, Metrics: map[string]float64{"score": float64(len(c.Code) % 97)}}, nil
}

// filledStore opens a store in dir holding n nodes with varied scores and
// parents, as a long campaign leaves it.
func filledStore(b *testing.B, n int) *store.Store {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
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
	return st
}

func newBenchEngine(b *testing.B, st *store.Store, tk task.Interface, workers, steps int, progress func(engine.Progress)) *engine.Engine {
	b.Helper()
	sampler, err := sampling.New("ucb1", sampling.Options{})
	if err != nil {
		b.Fatal(err)
	}
	e, err := engine.New(context.Background(), engine.Config{Store: st, Task: tk, Researcher: llm.NewOffline(),
		Analyzer: roles.OfflineAnalyzer{}, Sampler: sampler, Seed: 1, Workers: workers, Budget: engine.Budget{Steps: steps}, Progress: progress})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkEngineRun measures whole engine runs (prepare included) with a
// no-op evaluator and one worker on stores of 1k, 10k and 100k nodes
// (100k only when ASI_BENCH_LARGE=1, as `make bench` sets: filling it
// takes minutes). steps/s is the rate users see; ns/op is per step.
// steady-steps/s leaves out the resume (the sampler rebuilt from every
// stored node): it counts from the first step this run stores to the last.
func BenchmarkEngineRun(b *testing.B) {
	sizes := []int{1_000, 10_000}
	if os.Getenv("ASI_BENCH_LARGE") == "1" {
		sizes = append(sizes, 100_000)
	}
	for _, size := range sizes {
		b.Run(fmt.Sprintf("nodes=%d", size), func(b *testing.B) {
			st := filledStore(b, size)
			defer st.Close()
			// size-1 steps are stored; each run adds b.N more.
			var first, last time.Time
			progress := func(p engine.Progress) {
				now := time.Now()
				if p.RunSteps == 1 {
					first = now
				}
				last = now
			}
			e := newBenchEngine(b, st, sleepTask{}, 1, size-1+b.N, progress)
			b.ResetTimer()
			start := time.Now()
			sum, err := e.Run(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if sum.StepsThisRun != b.N {
				b.Fatalf("%d steps run, want %d (%s)", sum.StepsThisRun, b.N, sum.Reason)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "steps/s")
			if b.N > 1 && !first.IsZero() {
				b.ReportMetric(float64(b.N-1)/last.Sub(first).Seconds(), "steady-steps/s")
			}
			if size >= 100_000 {
				b.ReportMetric(float64(peakRSS(b))/(1<<20), "peak-RSS-MiB")
			}
		})
	}
}

// peakRSS is the process's peak resident set (VmHWM) in bytes.
func peakRSS(b *testing.B) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkWorkerEfficiency runs 4 evaluations of 1 s per worker with 1, 2,
// 4 and 8 workers: efficiency is the ideal wall time (4 s plus the initial
// program's 1 s) over the measured one.
func BenchmarkWorkerEfficiency(b *testing.B) {
	const perWorker, eval = 4, time.Second
	for _, workers := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var eff float64
			for b.Loop() {
				st, err := store.Open(context.Background(), b.TempDir())
				if err != nil {
					b.Fatal(err)
				}
				e := newBenchEngine(b, st, sleepTask{sleep: eval}, workers, workers*perWorker, nil)
				start := time.Now()
				if _, err := e.Run(context.Background()); err != nil {
					b.Fatal(err)
				}
				wall := time.Since(start)
				st.Close()
				eff = float64((perWorker+1)*eval) / float64(wall)
			}
			b.ReportMetric(eff, "efficiency")
		})
	}
}
