package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkPythonHello measures the per-run overhead of a Python guest with
// the interpreter already compiled: Prepare and RunProgram of a hello
// world, in process and in a worker process, runs back to back (a worker
// starts the next interpreter as soon as it replies, so the next run
// waits for most of that start); and worker-warm, a run that arrives at an
// idle worker whose pre-started interpreter waits for it, as a candidate
// does after the LLM call that wrote it. Each reports ms/run.
func BenchmarkPythonHello(b *testing.B) {
	files := map[string][]byte{"main.py": []byte("print('hello')\n")}
	run := func(b *testing.B, r *Runtime) {
		if res := runPython(b, r, files, NewConfig()); !res.OK() {
			b.Fatalf("%s: %s", res.Reason, res.Detail)
		}
	}
	for _, m := range workerModes {
		b.Run(m.name, func(b *testing.B) {
			r := newPythonRuntime(b, m.mode)
			run(b, r) // compile, or load from the cache
			b.ResetTimer()
			for b.Loop() {
				run(b, r)
			}
			reportMsPerRun(b)
		})
	}
	b.Run("worker-warm", func(b *testing.B) {
		r := newPythonRuntime(b, workerAuto)
		run(b, r)
		b.ResetTimer()
		for b.Loop() {
			b.StopTimer()
			time.Sleep(pythonIdleGap)
			b.StartTimer()
			run(b, r)
		}
		reportMsPerRun(b)
	})
}

// pythonIdleGap is the untimed pause before each worker-warm run: longer
// than an interpreter's start on a quiet machine, far shorter than an LLM
// call.
const pythonIdleGap = 50 * time.Millisecond

func reportMsPerRun(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed())/float64(time.Millisecond)/float64(b.N), "ms/run")
}

// pythonCPUScript is a CPU-bound mix of what scoring programs do: integer
// loops, float arithmetic, lists, dicts and string building.
const pythonCPUScript = `
import math

def work():
    total = 0
    for i in range(300000):
        total += i * i % 7
    pts = [(math.sin(i) * 10.0, math.cos(i) * 10.0) for i in range(2000)]
    best = 0.0
    for i in range(0, 2000, 7):
        xi, yi = pts[i]
        for j in range(i + 1, 2000, 13):
            xj, yj = pts[j]
            best = max(best, math.hypot(xi - xj, yi - yj))
    counts = {}
    for w in ("alpha beta gamma delta " * 20000).split():
        counts[w] = counts.get(w, 0) + 1
    s = "".join(str(i % 10) for i in range(100000))
    return total, round(best, 6), len(counts), len(s)

print(work())
`

// nativePython3 returns the host's CPython, preferring the distribution's
// (the same 3.11 the sandbox runs on Debian 12) over one first on PATH.
func nativePython3() string {
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	p, _ := exec.LookPath("python3")
	return p
}

// BenchmarkPythonCPU runs the same CPU-bound script with the host's native
// python3 and inside the sandbox, in worker processes (the default when the
// executable serves as a worker) and in process, each with its timeout
// mechanism on. Each sandbox sub-benchmark reports x-native: its time per
// run over native's, both measured in this run.
func BenchmarkPythonCPU(b *testing.B) {
	native := nativePython3()
	if native == "" {
		b.Skip("no python3 on the host to compare with")
	}
	script := filepath.Join(b.TempDir(), "cpu.py")
	if err := os.WriteFile(script, []byte(pythonCPUScript), 0o600); err != nil {
		b.Fatal(err)
	}
	runNative := func(b *testing.B) {
		if out, err := exec.Command(native, script).CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", native, err, out)
		}
	}
	var nativePerRun time.Duration
	measureNative := func(b *testing.B) time.Duration {
		if nativePerRun == 0 {
			const n = 3
			start := time.Now()
			for range n {
				runNative(b)
			}
			nativePerRun = time.Since(start) / n
		}
		return nativePerRun
	}
	b.Run("native", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			runNative(b)
		}
		nativePerRun = time.Since(start) / time.Duration(b.N)
	})
	files := map[string][]byte{"main.py": []byte(pythonCPUScript)}
	modes := []struct {
		name string
		mode workerMode
	}{{"sandbox", workerAuto}, {"sandbox-in-process", workerOff}}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			r := newPythonRuntime(b, m.mode)
			cfg := NewConfig().WithTimeout(5 * time.Minute).WithMemoryLimit(256 << 20)
			runPython(b, r, files, cfg) // compile, or load from the cache
			base := measureNative(b)
			b.ResetTimer()
			start := time.Now()
			for b.Loop() {
				if res := runPython(b, r, files, cfg); !res.OK() {
					b.Fatalf("%s: %s", res.Reason, res.Detail)
				}
			}
			perRun := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(perRun)/float64(base), "x-native")
		})
	}
}
