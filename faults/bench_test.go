package faults

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/internal/benchdata"
)

// The engine benchmarks store nodes the size of a real campaign's, with
// the LLM calls that made them (internal/benchdata).
const benchRoot = ".."

// benchTunable is a line of the code's EVOLVE block that a filled node
// changes, so no two programs are equal.
const benchTunable = benchdata.Tunable

// Prose lengths in bytes of the stand-in model's answers and the
// evaluator's feedback (benchdata's).
var (
	motivationLen = benchdata.MotivationLen
	analysisLen   = benchdata.AnalysisLen
	feedbackLen   = benchdata.FeedbackLen
)

// benchData is the code, the statement and the prose the benchmarks use,
// read once from the repository's tasks.
type benchData struct {
	benchdata.Data
	code, statement, prose string
}

var (
	benchOnce sync.Once
	benchVal  benchData
	benchErr  error
)

func loadBenchData(b *testing.B) benchData {
	b.Helper()
	benchOnce.Do(func() {
		var d benchdata.Data
		d, benchErr = benchdata.Load(benchRoot)
		benchVal = benchData{Data: d, code: d.Code, statement: d.Statement, prose: d.Prose}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchVal
}

// text returns between lo and hi bytes of d.prose from a random place.
func (d benchData) text(rng *rand.Rand, span [2]int) string { return d.Text(rng, span) }

// benchTask scores a candidate by a hash of its code and answers with
// feedback of a real evaluator's length. work > 0 makes every evaluation
// spend that many rounds of SHA-256 on the CPU first (see cpuWork); with
// work 0 it is the no-op evaluator that makes a benchmark measure the engine.
type benchTask struct {
	data benchData
	work int
}

func (t benchTask) Describe(context.Context) (task.Description, error) {
	return task.Description{Name: "bench", Language: "go", Statement: t.data.statement,
		InitialProgram: t.data.code, Primary: "score", Direction: task.Maximize}, nil
}

func (t benchTask) Evaluate(ctx context.Context, c task.Candidate, _ int, seed int64) (task.Result, error) {
	if t.work > 0 {
		cpuWork(t.work)
		if err := ctx.Err(); err != nil {
			return task.Result{}, err
		}
	}
	sum := sha256.Sum256([]byte(c.Code))
	rng := rand.New(rand.NewPCG(uint64(c.NodeID), uint64(seed)))
	return task.Result{Valid: true, Feedback: t.data.text(rng, feedbackLen), Metrics: map[string]float64{
		"score": float64(sum[0]) / 255, "min_gap": float64(sum[1]) / 1e4, "radius_std": float64(sum[2]) / 1e3,
		"center_distance": float64(sum[3]) / 255, "runtime_ms": float64(sum[4]),
	}}, nil
}

// cpuWork hashes a 4 KiB buffer rounds times: CPU-bound, no allocation,
// no sleeping, so evaluations on more workers than cores queue for the CPU.
func cpuWork(rounds int) {
	var buf [4096]byte
	for i := range rounds {
		sum := sha256.Sum256(buf[:])
		buf[i%len(buf)] ^= sum[0]
	}
}

// standIn answers as a model would, at no cost in time: the researcher
// gets the offline operator's edit with a motivation of a model's length,
// the analyzer 0.5 to 1.5 KB ending with an insight. It is not the offline
// provider, so the engine builds every prompt (three parents' code and
// prose) and records every call, as it does for a model.
type standIn struct {
	data    benchData
	offline *roles.Offline
}

func (standIn) Name() string { return "stand-in" }

func (s standIn) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	if len(req.Messages) == 0 {
		return llm.Response{}, fmt.Errorf("stand-in: %s request without a prompt", req.Role)
	}
	rng := rand.New(rand.NewPCG(uint64(req.Seed), 7))
	var content string
	switch req.Role {
	case llm.RoleResearcher:
		resp, err := s.offline.Complete(ctx, req)
		if err != nil {
			return llm.Response{}, err
		}
		content = strings.Replace(resp.Content, "</motivation>", " "+s.data.text(rng, motivationLen)+"</motivation>", 1)
	default:
		content = s.data.text(rng, analysisLen) + "\nInsight: " + s.data.text(rng, [2]int{60, 160})
	}
	return llm.Response{Content: content, Model: "stand-in"}, nil
}

// templates holds the filled stores, under binDir (which TestMain
// removes): a template serves every -count.
var (
	templatesOnce sync.Once
	templates     *benchdata.Templates
)

// filledStore opens a copy of a store holding n nodes with varied scores,
// parents and sizes as a long campaign leaves them. The first call for a
// size fills a template (minutes at 100k nodes) and logs how long it took.
func filledStore(b *testing.B, n int) *store.Store {
	b.Helper()
	d := loadBenchData(b)
	templatesOnce.Do(func() { templates = &benchdata.Templates{Data: d.Data, Dir: filepath.Join(binDir, "stores")} })
	return templates.Open(b, n)
}

// newBenchEngine makes an engine for tk with the stand-in model answering
// as researcher and analyzer.
func newBenchEngine(b *testing.B, st *store.Store, tk benchTask, workers, steps int, progress func(engine.Progress)) *engine.Engine {
	return newStandInEngine(b, st, tk.data, tk, workers, steps, progress)
}

// newStandInEngine makes an engine for any task with the stand-in model
// answering as researcher and analyzer, from the benchmark data d.
func newStandInEngine(b *testing.B, st *store.Store, d benchData, tk task.Interface, workers, steps int, progress func(engine.Progress)) *engine.Engine {
	b.Helper()
	sampler, err := sampling.New("ucb1", sampling.Options{})
	if err != nil {
		b.Fatal(err)
	}
	model := standIn{data: d, offline: roles.NewOffline()}
	e, err := engine.New(context.Background(), engine.Config{Store: st, Task: tk, Researcher: model,
		Analyzer: roles.LLMAnalyzer{Provider: model}, Sampler: sampler, Seed: 1, Workers: workers,
		Budget: engine.Budget{Steps: steps}, Progress: progress})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkEngineRun measures whole engine runs with a no-op evaluator, a
// stand-in model that answers at once, and one worker, on stores of 1k,
// 10k and 100k nodes of a real campaign's size (100k only when
// ASI_BENCH_LARGE=1, as `make bench` sets: filling it takes minutes).
// ns/op is per step; steps/s counts the whole Run (the resume included),
// which is what a resumed campaign sees. steady-steps/s counts from the
// first step this run stores to the last; resume-s is the time from Run to
// the first stored step (releasing abandoned steps, loading every node and
// rebuilding the sampler, then that step). peak-RSS-MiB is the process's
// peak resident memory during the Run alone (reset before it).
func BenchmarkEngineRun(b *testing.B) {
	d := loadBenchData(b)
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
			e := newBenchEngine(b, st, benchTask{data: d}, 1, size-1+b.N, progress)
			runtime.GC()
			debug.FreeOSMemory()
			resetPeakRSS()
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
			if !first.IsZero() {
				b.ReportMetric(first.Sub(start).Seconds(), "resume-s")
			}
			if b.N > 1 && !first.IsZero() {
				b.ReportMetric(float64(b.N-1)/last.Sub(first).Seconds(), "steady-steps/s")
			}
			if rss := peakRSS(); rss > 0 {
				b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
			}
		})
	}
}

// resetPeakRSS resets the process's peak resident set (VmHWM) to its
// current size, where the kernel allows it (Linux: clear_refs 5).
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS is the process's peak resident set (VmHWM) in bytes, 0 when
// unknown.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
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

// BenchmarkWorkerEfficiency runs a campaign whose evaluator is CPU-bound
// (cpuWork, about evalCPU of CPU time each) with 1, 2, 4 and 8 workers, 4
// evaluations per worker after the initial program's. The cores set the
// ideal: with w workers on c cores (runtime.NumCPU, whatever other
// processes use) at most min(w, c) evaluations run at once, so the ideal
// wall time is one evaluation (the initial program) plus
// ceil(4w / min(w, c)) evaluations, each taking the CPU time one
// evaluation was measured to need alone. efficiency is that ideal over the
// measured wall time; cores-used is the CPU time the process spent over
// the wall time (ideal: about min(w, c)); speedup is evaluations per
// second over one worker's in the same run. Other processes on the machine
// take cores from it, which lowers all three: read them against the load.
// cpu-overhead does not depend on the load: the CPU time the whole run
// spent over the evaluations' own (ideal 1; the rest is the engine, the
// store and the stand-in model's prompts).
func BenchmarkWorkerEfficiency(b *testing.B) {
	const perWorker = 4
	const evalCPU = 250 * time.Millisecond
	d := loadBenchData(b)
	rounds, one := calibrate(evalCPU)
	cores := runtime.NumCPU()
	var oneRate float64 // evaluations per second with one worker
	for _, workers := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var eff, rate, used, overhead float64
			for b.Loop() {
				st, err := store.Open(context.Background(), b.TempDir())
				if err != nil {
					b.Fatal(err)
				}
				e := newBenchEngine(b, st, benchTask{data: d, work: rounds}, workers, workers*perWorker, nil)
				cpu0, start := cpuTime(), time.Now()
				if _, err := e.Run(context.Background()); err != nil {
					b.Fatal(err)
				}
				wall, cpu := time.Since(start), cpuTime()-cpu0
				st.Close()
				at := min(workers, cores)
				ideal := one * time.Duration(1+(perWorker*workers+at-1)/at)
				eff = float64(ideal) / float64(wall)
				rate = float64(perWorker*workers+1) / wall.Seconds()
				used = float64(cpu) / float64(wall)
				overhead = float64(cpu) / float64(one*time.Duration(perWorker*workers+1))
			}
			b.ReportMetric(eff, "efficiency")
			b.ReportMetric(used, "cores-used")
			b.ReportMetric(overhead, "cpu-overhead")
			if workers == 1 {
				oneRate = rate
			}
			if oneRate > 0 {
				b.ReportMetric(rate/oneRate, "speedup")
			}
		})
	}
}

// calibrate returns the cpuWork rounds that take about d of CPU time, and
// the CPU time those rounds took (the median of three tries). CPU time, not
// wall time: other processes on the machine do not stretch it.
func calibrate(d time.Duration) (rounds int, took time.Duration) {
	const probe = 2000
	rounds = max(1, int(float64(probe)*float64(d)/float64(cpuTimeOf(probe))))
	return rounds, cpuTimeOf(rounds)
}

// cpuTimeOf is the median CPU time of three cpuWork(rounds) calls, made
// while nothing else in the process runs.
func cpuTimeOf(rounds int) time.Duration {
	var t [3]time.Duration
	for i := range t {
		start := cpuTime()
		cpuWork(rounds)
		t[i] = cpuTime() - start
	}
	slices.Sort(t[:])
	return t[1]
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkColdStart runs `asi apply` of a one-step campaign of the fault
// suite's task (plugins built, a fresh campaign directory each time) and
// reports the time from starting the process to the start of the first
// evaluation (first-eval-ms: parsing the file, opening the store, starting
// and configuring the plugin) and to the end of the whole apply (apply-ms:
// the initial program and one step evaluated, the plugin stopped). The
// plugin writes the time its first evaluation starts into a file.
func BenchmarkColdStart(b *testing.B) {
	var first, whole time.Duration
	runs := 0
	for b.Loop() {
		b.StopTimer()
		mark := filepath.Join(b.TempDir(), "first-eval")
		file, state := campaign(b, 1, 1, fmt.Sprintf("  first_eval_file = %q", mark), "")
		b.StartTimer()
		start := time.Now()
		if out, err := asi(b, time.Minute, nil, "apply", "-state", state, file); err != nil {
			b.Fatalf("apply: %v\n%s", err, out)
		}
		end := time.Now()
		b.StopTimer()
		raw, err := os.ReadFile(mark)
		if err != nil {
			b.Fatalf("the plugin wrote no time: %v", err)
		}
		ns, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
		if err != nil {
			b.Fatalf("%s: %v", mark, err)
		}
		first += time.Unix(0, ns).Sub(start)
		whole += end.Sub(start)
		runs++
		b.StartTimer()
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(runs), "first-eval-ms")
	b.ReportMetric(float64(whole.Milliseconds())/float64(runs), "apply-ms")
}

// BenchmarkExampleCampaign applies campaigns of hcl-examples/ as written
// (offline, the real task plugins, a fresh campaign directory each run)
// and reports what their final report says: the initial program's score,
// the best score, the steps done and the failed ones, and the wall time of
// the whole `asi apply`. circle-packing is `make demo`'s campaign. The
// examples stop at their step or wall budget, whichever comes first, so on
// a loaded machine fewer steps run and the best score moves with them.
func BenchmarkExampleCampaign(b *testing.B) {
	for _, name := range []string{"circle-packing", "circle-packing-python", "data-curation", "optimizer"} {
		b.Run(name, func(b *testing.B) {
			file, err := filepath.Abs(filepath.Join("..", "hcl-examples", name+".hcl"))
			if err != nil {
				b.Fatal(err)
			}
			var r campaignReport
			var wall time.Duration
			for b.Loop() {
				state := filepath.Join(b.TempDir(), "state")
				start := time.Now()
				r = applyJSON(b, file, state)
				wall = time.Since(start)
			}
			if r.Initial == nil || r.Initial.Score == nil || r.Best == nil || r.Best.Score == nil {
				b.Fatalf("the report has no valid initial or best node: %+v", r)
			}
			b.ReportMetric(*r.Initial.Score, "initial")
			b.ReportMetric(*r.Best.Score, "best")
			b.ReportMetric(float64(r.Done), "steps")
			b.ReportMetric(float64(r.Failures), "failed")
			b.ReportMetric(wall.Seconds(), "wall-s")
			b.Logf("stopped because: %s", r.Reason)
		})
	}
}

// campaignReport is the part of `asi apply -json`'s report the benchmark
// reads.
type campaignReport struct {
	Reason   string `json:"stopped_because"`
	Done     int    `json:"steps_done"`
	Failures int    `json:"failures"`
	Initial  *struct {
		Score *float64 `json:"score"`
	} `json:"initial"`
	Best *struct {
		Score *float64 `json:"score"`
	} `json:"best"`
}

// applyJSON runs `asi apply -json` of file into state, the examples'
// directory as its working directory (their cognition seeds are relative
// to it), and decodes its report.
func applyJSON(b *testing.B, file, state string) campaignReport {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, asiBin(), "apply", "-json", "-state", state, file)
	cmd.Dir = filepath.Dir(file)
	cmd.Env = append(os.Environ(), "ASI_PLUGIN_DIR="+binDir, "OPENAI_API_KEY=", "OPENAI_BASE_URL=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("asi apply %s: %v\n%s%s", filepath.Base(file), err, stdout.String(), stderr.String())
	}
	var r campaignReport
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		b.Fatalf("asi apply -json %s: %v\n%s", filepath.Base(file), err, stdout.String())
	}
	return r
}
