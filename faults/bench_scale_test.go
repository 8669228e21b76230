package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/store"
)

// resumeSteps is how many steps each resumed run of BenchmarkResumeLarge
// stores after the resume: enough for a steady rate, few enough that the
// store hardly grows over the runs.
const resumeSteps = 300

// Large stores, filled once per size and process under binDir (which
// TestMain removes) and resumed by every run: copying one would take
// longer than the run.
var (
	largeMu     sync.Mutex
	largeStores = map[int]string{}
)

// BenchmarkResumeLarge resumes a campaign of 10k nodes of a real
// campaign's size (100k and 1M too when ASI_BENCH_LARGE=1) and runs
// resumeSteps steps with one worker, the no-op evaluator and the stand-in
// model. The nodes and their researcher and analyzer calls are
// benchdata's, of a real campaign's size; at 1M nodes the calls' prompts
// are cut to 1 KB so that the store fits the disk (9 GB instead of 40). resume-s is the time from Run to the
// first stored step, resume-cpu-s the CPU time the process used meanwhile
// (which other processes on the machine do not inflate); peak-RSS-MiB the process's peak resident memory
// during the Run alone (reset before it); steady-steps/s the rate from the
// first stored step to the last. Every run resumes the same store, which
// grows by resumeSteps nodes a run.
func BenchmarkResumeLarge(b *testing.B) {
	d := loadBenchData(b)
	sizes := []int{10_000}
	if os.Getenv("ASI_BENCH_LARGE") == "1" {
		sizes = append(sizes, 100_000, 1_000_000)
	}
	for _, size := range sizes {
		b.Run(fmt.Sprintf("nodes=%d", size), func(b *testing.B) {
			dir := largeStore(b, d, size)
			var resume, cpu, rate, rss float64
			for range b.N {
				r := resumeOnce(b, d, dir)
				resume, cpu, rate, rss = resume+r.resume, cpu+r.cpu, rate+r.rate, max(rss, r.rssMiB)
			}
			b.ReportMetric(resume/float64(b.N), "resume-s")
			b.ReportMetric(cpu/float64(b.N), "resume-cpu-s")
			b.ReportMetric(rate/float64(b.N), "steady-steps/s")
			if rss > 0 {
				b.ReportMetric(rss, "peak-RSS-MiB")
			}
		})
	}
}

// resumed is what one resumed run measured.
type resumed struct {
	resume float64 // seconds from Run to the first stored step
	cpu    float64 // CPU seconds the process used meanwhile: what the load on the machine does not change
	rate   float64 // steps a second after the first
	rssMiB float64 // peak resident memory of the run
}

// resumeOnce opens the store in dir and runs resumeSteps steps.
func resumeOnce(b *testing.B, d benchData, dir string) resumed {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	counts, err := st.Steps(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var first, last time.Time
	var firstCPU time.Duration
	progress := func(p engine.Progress) {
		now := time.Now()
		if p.RunSteps == 1 {
			first, firstCPU = now, cpuTime()
		}
		last = now
	}
	// Done counts the initial program; the step budget does not.
	e := newBenchEngine(b, st, benchTask{data: d}, 1, counts.Done-1+resumeSteps, progress)
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	b.StartTimer()
	start, startCPU := time.Now(), cpuTime()
	sum, err := e.Run(ctx)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if sum.StepsThisRun != resumeSteps || first.IsZero() {
		b.Fatalf("%d steps run, want %d (%s)", sum.StepsThisRun, resumeSteps, sum.Reason)
	}
	return resumed{resume: first.Sub(start).Seconds(), cpu: (firstCPU - startCPU).Seconds(),
		rate: float64(resumeSteps-1) / last.Sub(first).Seconds(), rssMiB: float64(peakRSS()) / (1 << 20)}
}

// largeStore returns the directory of a store holding size nodes, filling
// it the first time a process asks for that size.
func largeStore(b *testing.B, d benchData, size int) string {
	b.Helper()
	b.StopTimer()
	largeMu.Lock()
	defer largeMu.Unlock()
	if dir, ok := largeStores[size]; ok {
		return dir
	}
	dir, err := os.MkdirTemp(binDir, fmt.Sprintf("large-%d-", size))
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := fillLarge(d, dir, size); err != nil {
		os.RemoveAll(dir)
		b.Fatal(err)
	}
	b.Logf("filled a %d-node store in %s", size, time.Since(start).Round(time.Second))
	largeStores[size] = dir
	return dir
}

// fillLarge stores size nodes and their calls as benchdata.Fill does,
// a few thousand nodes a transaction.
func fillLarge(d benchData, dir string, size int) error {
	const batch = 2000
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		return err
	}
	promptCap := 0 // no cap
	if size >= 1_000_000 {
		promptCap = 1 << 10
	}
	rng := rand.New(rand.NewPCG(1, 2))
	nodes := make([]store.Node, 0, batch)
	calls := make([]store.Call, 0, 2*batch)
	for i := range int64(size) {
		n := d.Node(rng, i)
		for _, c := range d.Calls(rng, n) {
			if promptCap > 0 {
				c.Prompt = c.Prompt[:min(promptCap, len(c.Prompt))]
			}
			calls = append(calls, c)
		}
		nodes = append(nodes, n)
		if len(nodes) == batch || i == int64(size)-1 {
			if err := st.AddNodes(ctx, nodes, calls); err != nil {
				st.Close()
				return err
			}
			nodes, calls = nodes[:0], calls[:0]
		}
	}
	return st.Close()
}
