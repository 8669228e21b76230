package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkRunCached measures the per-run overhead of an already compiled
// small Go module: instantiation, Go runtime start-up, exit.
//
// compiler-worker is the compiled module run in a worker process (the
// Runtime has a cache directory and the test binary serves as a worker):
// a request and a reply over pipes instead of the termination checks.
func BenchmarkRunCached(b *testing.B) {
	dir := b.TempDir()
	for _, v := range []struct {
		name string
		opt  Options
	}{
		{"interpreter", Options{Engine: EngineInterpreter}},
		{"compiler", Options{Engine: EngineCompiler}},
		{"compiler-worker", Options{Engine: EngineCompiler, CacheDir: dir}},
	} {
		b.Run(v.name, func(b *testing.B) {
			r := newRuntime(b, v.opt)
			m := mustBuild(b, r, "echo")
			mustRun(b, r, m, NewConfig()) // starts the worker, if any
			cfg := NewConfig().WithArgs("a").WithStdin([]byte("b"))
			b.ResetTimer()
			for b.Loop() {
				if res := mustRun(b, r, m, cfg); !res.OK() {
					b.Fatalf("run: %s %s", res.Reason, res.Detail)
				}
			}
		})
	}
}

// BenchmarkLoadRun compiles a fresh build of the work guest (about 10ms of
// native computation) and runs it once per iteration: what choosing an
// engine costs for a module that runs once.
func BenchmarkLoadRun(b *testing.B) {
	wasm := moduleBytes(b, guest(b, "work"))
	for _, engine := range []Engine{EngineInterpreter, EngineCompiler} {
		b.Run(string(engine), func(b *testing.B) {
			r := newRuntime(b, Options{Engine: engine})
			for b.Loop() {
				m, err := r.Load(context.Background(), wasm)
				if err != nil {
					b.Fatal(err)
				}
				if res := mustRun(b, r, m, NewConfig()); !res.OK() {
					b.Fatalf("run: %s %s", res.Reason, res.Detail)
				}
				m.Close(context.Background())
			}
		})
	}
}

// BenchmarkGoEndToEnd builds, compiles and runs a new source each
// iteration (a changed constant defeats every cache but Go's own build
// cache for the standard library), as a campaign step does.
func BenchmarkGoEndToEnd(b *testing.B) {
	src := string(guest(b, "work"))
	for _, engine := range []Engine{EngineInterpreter, EngineCompiler} {
		b.Run(string(engine), func(b *testing.B) {
			r := newRuntime(b, Options{Engine: engine, CacheDir: b.TempDir()})
			i := 0
			for b.Loop() {
				i++
				variant := strings.Replace(src, "const seed = 0", fmt.Sprintf("const seed = %d", i), 1)
				m, err := r.BuildGo(context.Background(), []byte(variant))
				if err != nil {
					b.Fatal(err)
				}
				if m.BuildCached() {
					b.Fatal("fresh source came from the build cache")
				}
				if res := mustRun(b, r, m, NewConfig()); !res.OK() {
					b.Fatalf("run: %s %s", res.Reason, res.Detail)
				}
				m.Close(context.Background())
			}
		})
	}
}

// moduleBytes builds source through BuildGo's cache and returns the wasm.
func moduleBytes(b *testing.B, source []byte) []byte {
	b.Helper()
	dir := b.TempDir()
	cached := newRuntime(b, Options{CacheDir: dir})
	m, err := cached.BuildGo(context.Background(), source)
	if err != nil {
		b.Fatal(err)
	}
	m.Close(context.Background())
	_, version, err := cached.goToolchain()
	if err != nil {
		b.Fatal(err)
	}
	wasm, err := os.ReadFile(cached.buildPath(buildKey(version, source)))
	if err != nil {
		b.Fatal(err)
	}
	return wasm
}

// BenchmarkRunCachedC measures what the sandbox itself costs a run: a small
// C module starts in microseconds, so this is instantiation, WASI setup and
// teardown, with no language runtime to start.
func BenchmarkRunCachedC(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "toolchains", "hello.c"))
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range workerModes {
		b.Run(mode.name, func(b *testing.B) {
			r := newRuntime(b, Options{CacheDir: CacheDir(), Engine: EngineCompiler, worker: mode.mode})
			p, err := r.Prepare(context.Background(), "c", map[string][]byte{"hello.c": src})
			if errors.Is(err, ErrToolchainMissing) {
				b.Skip(err)
			}
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			cfg := NewConfig().WithArgs("a").WithStdin([]byte("b"))
			if _, err := r.RunProgram(context.Background(), p, cfg); err != nil { // starts the worker, if any
				b.Fatal(err)
			}
			for b.Loop() {
				res, err := r.RunProgram(context.Background(), p, cfg)
				if err != nil || !res.OK() {
					b.Fatalf("run: %v %s %s", err, res.Reason, res.Detail)
				}
			}
		})
	}
}

// BenchmarkJavaScriptEndToEnd prepares and runs a new JavaScript source
// each iteration, as a campaign step does. The interpreter was built and
// compiled before the timer starts: a campaign pays that once.
func BenchmarkJavaScriptEndToEnd(b *testing.B) {
	r := newRuntime(b, Options{CacheDir: CacheDir()})
	warm, err := r.Prepare(context.Background(), "javascript", map[string][]byte{"main.js": []byte("print(1)")})
	if err != nil {
		b.Fatal(err)
	}
	warm.Close()
	cfg := NewConfig()
	i := 0
	for b.Loop() {
		i++
		src := fmt.Sprintf("let s = 0;\nfor (let i = 0; i < 1000; i++) { s += i * %d; }\nprint(s);\n", i)
		p, err := r.Prepare(context.Background(), "javascript", map[string][]byte{"main.js": []byte(src)})
		if err != nil {
			b.Fatal(err)
		}
		res, err := r.RunProgram(context.Background(), p, cfg)
		p.Close()
		if err != nil || !res.OK() {
			b.Fatalf("run: %v %s %s %s", err, res.Reason, res.Detail, res.Stderr)
		}
	}
}

// BenchmarkMatMul runs the same Go file, a 200x200 matrix multiply,
// natively and in the sandbox (compiler engine) in one benchmark, so the
// ratio compares numbers measured together: in process, where the compiled
// code checks for the deadline, and in a worker process without the checks
// (what a Runtime does when it can). Each program times its own kernel, so
// start-up costs are left out; native_ms and wazero_ms are per multiply.
func BenchmarkMatMul(b *testing.B) {
	const reps = 5
	src := guest(b, "matmul")
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), src, 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module matmul\n\ngo 1.26\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	native := filepath.Join(dir, "matmul")
	build := exec.Command("go", "build", "-o", native, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("native build: %v\n%s", err, out)
	}
	for _, mode := range workerModes {
		b.Run(mode.name, func(b *testing.B) {
			r := newRuntime(b, Options{CacheDir: CacheDir(), Engine: EngineCompiler, worker: mode.mode})
			m, err := r.BuildGo(context.Background(), src)
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close(context.Background())
			cfg := NewConfig().WithArgs(fmt.Sprint(reps)).WithTimeout(time.Minute)
			// The first run pays a worker's start and compile, as the first
			// run of a campaign does; the kernel's own timing leaves them
			// out anyway.
			mustRun(b, r, m, cfg)
			var nativeNS, wasmNS int64
			for b.Loop() {
				out, err := exec.Command(native, fmt.Sprint(reps)).Output()
				if err != nil {
					b.Fatal(err)
				}
				nativeSum, ns := parseMatMul(b, string(out))
				nativeNS += ns
				res := mustRun(b, r, m, cfg)
				if !res.OK() {
					b.Fatalf("wasm run: %s %s", res.Reason, res.Detail)
				}
				wasmSum, ns := parseMatMul(b, string(res.Stdout))
				wasmNS += ns
				if nativeSum != wasmSum {
					b.Fatalf("checksums differ: native %s, wasm %s", nativeSum, wasmSum)
				}
			}
			b.ReportMetric(float64(nativeNS)/float64(b.N)/1e6, "native_ms")
			b.ReportMetric(float64(wasmNS)/float64(b.N)/1e6, "wazero_ms")
			b.ReportMetric(float64(wasmNS)/float64(nativeNS), "ratio")
		})
	}
}

// BenchmarkMatMulC is BenchmarkMatMul for the same kernel in C, built
// with clang -O2 natively and for wasm32-wasi: a second data point that
// separates what wazero costs from what Go's wasm code generator costs.
// The sandbox builds C with wasm SIMD (128-bit); vec compares it with
// native clang -O2, whose baseline x86-64 vectors are 128-bit too, and
// novec with a native build that is not vectorized.
func BenchmarkMatMulC(b *testing.B) {
	const reps = 5
	src, err := os.ReadFile(filepath.Join("testdata", "guests", "matmul.c"))
	if err != nil {
		b.Fatal(err)
	}
	r := newRuntime(b, Options{CacheDir: CacheDir(), Engine: EngineCompiler})
	p, err := r.Prepare(context.Background(), "c", map[string][]byte{"main.c": src})
	if errors.Is(err, ErrToolchainMissing) {
		b.Skip(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	cc, err := exec.LookPath("clang-19")
	if err != nil {
		b.Skip("no clang-19: scripts/ci/install-sandbox.sh installs it")
	}
	dir := b.TempDir()
	srcPath := filepath.Join(dir, "matmul.c")
	if err := os.WriteFile(srcPath, src, 0o644); err != nil {
		b.Fatal(err)
	}
	cfg := NewConfig().WithArgs(fmt.Sprint(reps)).WithTimeout(time.Minute)
	if res, err := r.RunProgram(context.Background(), p, cfg); err != nil || !res.OK() {
		b.Fatalf("warm-up run: %v %s %s", err, res.Reason, res.Detail)
	}
	for _, native := range []struct{ name, flag string }{{"vec", "-O2"}, {"novec", "-fno-vectorize"}} {
		b.Run(native.name, func(b *testing.B) {
			bin := filepath.Join(dir, "matmul-"+native.name)
			if out, err := exec.Command(cc, "-O2", native.flag, "-o", bin, srcPath).CombinedOutput(); err != nil {
				b.Fatalf("native build: %v\n%s", err, out)
			}
			var nativeNS, wasmNS int64
			for b.Loop() {
				out, err := exec.Command(bin, fmt.Sprint(reps)).Output()
				if err != nil {
					b.Fatal(err)
				}
				nativeSum, ns := parseMatMul(b, string(out))
				nativeNS += ns
				res, err := r.RunProgram(context.Background(), p, cfg)
				if err != nil || !res.OK() {
					b.Fatalf("wasm run: %v %s %s", err, res.Reason, res.Detail)
				}
				wasmSum, ns := parseMatMul(b, string(res.Stdout))
				wasmNS += ns
				if nativeSum != wasmSum {
					b.Fatalf("checksums differ: native %s, wasm %s", nativeSum, wasmSum)
				}
			}
			b.ReportMetric(float64(nativeNS)/float64(b.N)/1e6, "native_ms")
			b.ReportMetric(float64(wasmNS)/float64(b.N)/1e6, "wazero_ms")
			b.ReportMetric(float64(wasmNS)/float64(nativeNS), "ratio")
		})
	}
}

func parseMatMul(b *testing.B, out string) (string, int64) {
	b.Helper()
	var sum string
	var ns int64
	if _, err := fmt.Sscanf(strings.ReplaceAll(out, "=", " "), "checksum %s ns_per_multiply %d", &sum, &ns); err != nil {
		b.Fatalf("parse %q: %v", out, err)
	}
	return sum, ns
}
