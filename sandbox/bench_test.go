package sandbox

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

// BenchmarkRunCached measures the per-run overhead of an already compiled
// small Go module: instantiation, Go runtime start-up, exit.
func BenchmarkRunCached(b *testing.B) {
	for _, engine := range []Engine{EngineInterpreter, EngineCompiler} {
		b.Run(string(engine), func(b *testing.B) {
			r := newRuntime(b, Options{Engine: engine})
			m := mustBuild(b, r, "echo")
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
