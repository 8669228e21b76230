package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/internal/testenv"
)

func TestToolchains(t *testing.T) {
	r := hostileRuntime(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "input.txt"), []byte("mounted"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := NewConfig().
		WithArgs("a", "b").
		WithStdin([]byte("in")).
		WithEnv("GREETING", "hi").
		WithReadOnlyMount(data, "/data").
		WithTimeout(5 * time.Second)
	tests := []struct {
		name string
		lang string
		file string
		want string
	}{
		{name: "go", lang: "go", file: "hello.go", want: `args=["a" "b"] stdin="in" env="hi" data="mounted"` + "\n"},
		{name: "javascript", lang: "javascript", file: "hello.js", want: `args=["a","b"] stdin="in" data="mounted"` + "\n"},
		{name: "c", lang: "c", file: "hello.c", want: "args=a,b stdin=in env=hi data=mounted\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "toolchains", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			p, err := r.Prepare(context.Background(), tt.lang, map[string][]byte{tt.file: src})
			if errors.Is(err, ErrToolchainMissing) {
				testenv.Skipf(t, "%v: run scripts/ci/install-sandbox.sh", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			res, err := r.RunProgram(context.Background(), p, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !res.OK() {
				t.Fatalf("%s: %s\n%s", res.Reason, res.Detail, res.Stderr)
			}
			if diff := cmp.Diff(tt.want, string(res.Stdout)); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if res.PeakMemoryPages == 0 {
				t.Error("PeakMemoryPages = 0")
			}
		})
	}
}

func TestToolchainsCompileErrors(t *testing.T) {
	r := hostileRuntime(t)
	tests := []struct {
		name  string
		lang  string
		files map[string][]byte
		want  string
	}{
		{name: "go syntax", lang: "go", files: map[string][]byte{"main.go": []byte("package main\nfunc main() {")}, want: "main.go:"},
		{name: "c undeclared", lang: "c", files: map[string][]byte{"main.c": []byte("int main(void) { return nope; }\n")}, want: "main.c:1:25: error: use of undeclared identifier 'nope'"},
		{name: "no entry", lang: "go", files: map[string][]byte{"notes.txt": []byte("x")}, want: "no .go file given"},
		{name: "two entries", lang: "c", files: map[string][]byte{"a.c": nil, "b.c": nil}, want: "several .c files (a.c, b.c)"},
		{name: "not wasm", lang: "wasm", files: map[string][]byte{"x.wasm": []byte("hello")}, want: "not a WebAssembly binary"},
		{name: "javascript path", lang: "javascript", files: map[string][]byte{"main.js": nil, "../x.js": nil}, want: "want a relative path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := r.Prepare(context.Background(), tt.lang, tt.files)
			if errors.Is(err, ErrToolchainMissing) {
				testenv.Skipf(t, "%v: run scripts/ci/install-sandbox.sh", err)
			}
			var ce *CompileError
			if !errors.As(err, &ce) {
				p.Close()
				t.Fatalf("err = %v, want a *CompileError", err)
			}
			if !strings.Contains(ce.Output, tt.want) {
				t.Errorf("output %q lacks %q", ce.Output, tt.want)
			}
			if strings.Contains(ce.Output, "asi-cbuild-") || strings.Contains(ce.Output, "asi-gobuild-") {
				t.Errorf("output shows the build directory: %q", ce.Output)
			}
		})
	}
}

func TestWasmToolchain(t *testing.T) {
	r := newRuntime(t, Options{})
	p, err := r.Prepare(context.Background(), "wasm", map[string][]byte{"trap.wasm": wasmModule(1, false)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.RunProgram(context.Background(), p, NewConfig())
	p.Close()
	if err != nil || res.Reason != ReasonTrap || res.PeakMemoryPages != 1 {
		t.Errorf("got %q (%d pages), %v; want a trap with 1 page", res.Reason, res.PeakMemoryPages, err)
	}
	if _, err := r.Prepare(context.Background(), "wasm", map[string][]byte{"env.wasm": wasmModule(0, true)}); !errors.Is(err, ErrUnsupportedImport) {
		t.Errorf("err = %v, want ErrUnsupportedImport", err)
	}
}

func TestLookup(t *testing.T) {
	for _, lang := range []string{"wasm", "go", "javascript", "c"} {
		if tc, err := Lookup(lang); err != nil || tc.Language() != lang {
			t.Errorf("Lookup(%q) = %v, %v", lang, tc, err)
		}
	}
	_, err := Lookup("cobol")
	if !errors.Is(err, ErrUnknownLanguage) || !strings.Contains(err.Error(), "javascript") {
		t.Errorf("Lookup(cobol) err = %v, want ErrUnknownLanguage listing the languages", err)
	}
}

func TestLanguageOf(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{name: "go", file: "x/main.go", want: "go"},
		{name: "javascript", file: "a.JS", want: "javascript"},
		{name: "c", file: "prog.c", want: "c"},
		{name: "wasm", file: "m.wasm", want: "wasm"},
		{name: "unknown", file: "README", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LanguageOf(tt.file); got != tt.want {
				t.Errorf("LanguageOf(%q) = %q, want %q", tt.file, got, tt.want)
			}
		})
	}
}

func TestRunProgramMerges(t *testing.T) {
	r := newRuntime(t, Options{})
	p, err := r.Prepare(context.Background(), "go", map[string][]byte{"main.go": guest(t, "environ")})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Args = []string{"interp-arg"}
	p.Env = map[string]string{"B": "program", "C": "program"}
	explained := false
	p.Explain = func(res Result) Result { explained = true; return res }
	cfg := NewConfig().WithArgs("caller-arg").WithEnv("A", "caller").WithEnv("B", "caller")
	res := mustRunProgram(t, r, p, cfg)
	want := `args=["guest" "interp-arg" "caller-arg"] env=["A=caller" "B=program" "C=program"]` + "\n"
	if diff := cmp.Diff(want, string(res.Stdout)); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
	if !explained {
		t.Error("Explain was not called")
	}
	if cfg.Args()[0] != "caller-arg" || len(cfg.Env()) != 2 {
		t.Errorf("RunProgram changed the caller's Config: %q %v", cfg.Args(), cfg.Env())
	}
}

func TestDeterministicClockAndSeed(t *testing.T) {
	r := newRuntime(t, Options{})
	p, err := r.Prepare(context.Background(), "go", map[string][]byte{"main.go": guest(t, "clockrand")})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	out := func(cfg Config) string { return string(mustRunProgram(t, r, p, cfg).Stdout) }
	fixed := NewConfig().WithDeterministicClock()
	first, again := out(fixed.WithRandSeed(7)), out(fixed.WithRandSeed(7))
	if first != again {
		t.Errorf("same seed, fixed clock: %q then %q", first, again)
	}
	if other := out(fixed.WithRandSeed(8)); other == first {
		t.Errorf("seeds 7 and 8 gave the same output %q", first)
	}
	if !strings.Contains(first, "year=2022") {
		t.Errorf("fixed clock output %q, want the year 2022", first)
	}
	if real := out(NewConfig().WithRandSeed(7)); !strings.Contains(real, "year="+time.Now().Format("2006")) {
		t.Errorf("real clock output %q, want this year", real)
	}
}

func mustRunProgram(t *testing.T, r *Runtime, p *Program, cfg Config) Result {
	t.Helper()
	res, err := r.RunProgram(context.Background(), p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("%s: %s\n%s", res.Reason, res.Detail, res.Stderr)
	}
	return res
}

// TestJavaScriptRunnerGoMod checks that the runner is built with exactly
// the modules, at the versions, that asi itself resolves for it: those are
// the ones in the module cache, and the build has no network.
func TestJavaScriptRunnerGoMod(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		testenv.Skipf(t, "no go command: install Go 1.26")
	}
	cmd := exec.Command(goCmd, "list", "-deps", "-f", "{{with .Module}}{{if .Version}}{{.Path}} {{.Version}}{{end}}{{end}}", "./guests/javascript")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	want := map[string]bool{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		want[line] = true
	}
	got := map[string]bool{}
	for line := range strings.SplitSeq(javascriptRunnerGoMod, "\n") {
		if fields := strings.Fields(line); len(fields) == 2 && strings.Contains(fields[0], ".") {
			got[fields[0]+" "+fields[1]] = true
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("update javascriptRunnerGoMod in javascript.go to what asi resolves (-want +got):\n%s", diff)
	}

	// Every module (and its go.mod) has a checksum, the one asi's go.sum has.
	sums, err := os.ReadFile(filepath.Join("..", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	asiSums := map[string]bool{}
	for line := range strings.SplitSeq(string(sums), "\n") {
		asiSums[line] = true
	}
	runnerSums := map[string]bool{}
	for line := range strings.SplitSeq(strings.TrimSpace(javascriptRunnerGoSum), "\n") {
		if !asiSums[line] {
			t.Errorf("javascriptRunnerGoSum line is not in go.sum: %s", line)
		}
		fields := strings.Fields(line)
		runnerSums[fields[0]+" "+fields[1]] = true
	}
	for mod := range want {
		for _, key := range []string{mod, mod + "/go.mod"} {
			if !runnerSums[key] {
				t.Errorf("javascriptRunnerGoSum has no checksum for %s: copy its lines from go.sum", key)
			}
		}
	}
}

func TestCheckCSource(t *testing.T) {
	tests := []struct {
		name, src string
		ok        bool
	}{
		{name: "plain", src: "#include <stdio.h>\nint main(void){return 0;}", ok: true},
		{name: "embed", src: "const char s[] = {\n#embed \"/etc/passwd\"\n};", ok: false},
		{name: "spliced embed", src: "# em\\\nbed \"/etc/passwd\"\n", ok: false},
		{name: "digraph embed", src: "%: embed \"/etc/passwd\"\n", ok: false},
		{name: "commented embed", src: "# /* x */ embed \"/etc/passwd\"\n", ok: false},
		{name: "has_include", src: "#if __has_include(\"/etc/shadow\")\n#endif\n", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkCSource("main.c", []byte(tt.src))
			if (err == nil) != tt.ok {
				t.Errorf("checkCSource = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func FuzzCheckCSource(f *testing.F) {
	f.Add([]byte("#include <stdio.h>\n"))
	f.Add([]byte("# embed \"x\"\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		err := checkCSource("main.c", src)
		if err == nil && strings.Contains(string(src), "__has_embed") {
			t.Errorf("accepted %q", src)
		}
	})
}

// TestJavaScriptConcurrent prepares and runs candidates from several
// workers at once on a fresh Runtime: the interpreter is compiled once and
// shared, and no run sees another's files or output.
func TestJavaScriptConcurrent(t *testing.T) {
	r := hostileRuntime(t)
	const n = 4
	got := make([]string, n)
	errs := make([]error, n)
	modules := make([]*Module, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			src := fmt.Sprintf("print(%d * 2, readStdin())", i)
			p, err := r.Prepare(context.Background(), "javascript", map[string][]byte{"main.js": []byte(src)})
			if err != nil {
				errs[i] = err
				return
			}
			defer p.Close()
			modules[i] = p.Module
			res, err := r.RunProgram(context.Background(), p, NewConfig().WithStdin([]byte(fmt.Sprint("in", i))))
			if err == nil && !res.OK() {
				err = fmt.Errorf("%s: %s", res.Reason, res.Detail)
			}
			got[i], errs[i] = string(res.Stdout), err
		})
	}
	wg.Wait()
	for i := range n {
		if want := fmt.Sprintf("%d in%d\n", i*2, i); errs[i] != nil || got[i] != want {
			t.Errorf("worker %d: %q, %v; want %q", i, got[i], errs[i], want)
		}
		if modules[i] != modules[0] {
			t.Errorf("worker %d got its own interpreter module", i)
		}
	}
}

func TestHideForeignDiagnostics(t *testing.T) {
	sys := []string{"/usr/include/wasm32-wasi/"}
	tests := []struct{ name, in, want string }{
		{name: "own file", in: "main.c:3:1: error: x", want: "main.c:3:1: error: x"},
		{name: "system header", in: "In file included from /usr/include/wasm32-wasi/stdio.h:1:\nmain.c:1:1: error: y", want: "In file included from /usr/include/wasm32-wasi/stdio.h:1:\nmain.c:1:1: error: y"},
		{name: "host file", in: "In file included from main.c:1:\n/etc/secret:1:2: error: invalid preprocessing directive\nsecret line", want: `#include "/etc/secret": only the program's own files and the C library's headers may be included`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hideForeignDiagnostics(tt.in, sys); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// A C build is cached by its sources, flags and clang: preparing the same
// files again loads the module clang built the first time.
func TestCBuildCache(t *testing.T) {
	r := newRuntime(t, Options{CacheDir: t.TempDir(), Engine: EngineCompiler})
	src := map[string][]byte{"main.c": []byte("#include <stdio.h>\nint main(void) { puts(\"cached\"); return 0; }\n")}
	first, err := r.Prepare(context.Background(), "c", src)
	if errors.Is(err, ErrToolchainMissing) {
		testenv.Skipf(t, "%v: run scripts/ci/install-sandbox.sh", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := r.Prepare(context.Background(), "c", src)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if first.Module.BuildCached() || !second.Module.BuildCached() {
		t.Errorf("cached: first %v, second %v; want false, true", first.Module.BuildCached(), second.Module.BuildCached())
	}
	res, err := r.RunProgram(context.Background(), second, NewConfig())
	if err != nil || !res.OK() || string(res.Stdout) != "cached\n" {
		t.Errorf("run of the cached build: %+v, %v", res, err)
	}
}

// TestJavaScriptInterpreterFetchesModules builds the JavaScript interpreter
// the way an asi installed with `go install` does: an empty module cache,
// and goja fetched through the user's proxy (here a file proxy made of this
// machine's module cache). The build says what it is doing, and a script
// then runs.
func TestJavaScriptInterpreterFetchesModules(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		testenv.Skipf(t, "no go command: install Go 1.26")
	}
	out, err := exec.Command(goCmd, "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	proxy := filepath.Join(strings.TrimSpace(string(out)), "cache", "download")
	if _, err := os.Stat(filepath.Join(proxy, "github.com", "dop251", "goja")); err != nil {
		t.Fatalf("goja is not in this machine's module cache (%v): run go mod download", err)
	}
	modCache := t.TempDir()
	t.Cleanup(func() {
		clean := exec.Command(goCmd, "clean", "-modcache")
		clean.Env = append(os.Environ(), "GOMODCACHE="+modCache)
		if out, err := clean.CombinedOutput(); err != nil {
			t.Logf("go clean -modcache: %v %s", err, out)
		}
	})
	t.Setenv("GOMODCACHE", modCache)
	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(proxy))
	t.Setenv("GOSUMDB", "off") // the runner's go.sum still checks every module
	t.Setenv("GOFLAGS", "")

	var mu sync.Mutex
	var lines []string
	r := newRuntime(t, Options{CacheDir: t.TempDir(), Progress: func(line string) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, line)
	}})
	p, err := r.Prepare(context.Background(), "javascript", map[string][]byte{"main.js": []byte(`console.log("fetched " + (6*7))`)})
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	defer p.Close()
	res, err := r.RunProgram(context.Background(), p, NewConfig())
	if err != nil || !res.OK() || strings.TrimSpace(string(res.Stdout)) != "fetched 42" {
		t.Fatalf("run = %+v, %v; want stdout \"fetched 42\"", res, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 2 || !strings.Contains(lines[0], "building the JavaScript interpreter") ||
		!strings.Contains(lines[1], "built the JavaScript interpreter in") {
		t.Errorf("progress lines = %q; want one before and one after the build", lines)
	}
}
