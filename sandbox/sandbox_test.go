package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/asi-evolve/asi/internal/testenv"
)

// TestMain lets the test binary serve as a sandbox worker: workers are the
// running executable started again.
func TestMain(m *testing.M) {
	MaybeWorker()
	os.Exit(m.Run())
}

// workerModes are the two ways a Runtime runs compiled guests: in process,
// where compiled code checks for the deadline, and in worker processes
// killed at the deadline.
var workerModes = []struct {
	name string
	mode workerMode
}{
	{"in-process", workerOff},
	{"worker", workerAuto},
}

// guest returns the source of a test guest program from testdata/guests.
func guest(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "guests", name+".go"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newRuntime starts a runtime closed at the end of the test.
func newRuntime(t testing.TB, opt Options) *Runtime {
	t.Helper()
	r, err := NewRuntime(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(context.Background()) })
	return r
}

// wasmModule assembles a minimal module whose exported _start traps with
// unreachable. memPages > 0 adds an exported memory of that minimum size;
// importEnv adds an import of env.f, which Load must refuse.
func wasmModule(memPages byte, importEnv bool) []byte {
	section := func(id byte, payload ...byte) []byte {
		return append([]byte{id, byte(len(payload))}, payload...)
	}
	m := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
	m = append(m, section(1, 0x01, 0x60, 0x00, 0x00)...) // type 0: func() -> ()
	start := byte(0)
	if importEnv {
		m = append(m, section(2, 0x01, 0x03, 'e', 'n', 'v', 0x01, 'f', 0x00, 0x00)...)
		start = 1
	}
	m = append(m, section(3, 0x01, 0x00)...) // one function of type 0
	exports := []byte{0x01, 0x06, '_', 's', 't', 'a', 'r', 't', 0x00, start}
	if memPages > 0 {
		m = append(m, section(5, 0x01, 0x00, memPages)...)
		exports = []byte{0x02, 0x06, '_', 's', 't', 'a', 'r', 't', 0x00, start, 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00}
	}
	m = append(m, section(7, exports...)...)
	m = append(m, section(10, 0x01, 0x03, 0x00, 0x00, 0x0b)...) // body: unreachable; end
	return m
}

func mustBuild(t testing.TB, r *Runtime, name string) *Module {
	t.Helper()
	m, err := r.BuildGo(context.Background(), guest(t, name))
	if err != nil {
		t.Fatalf("build %s: %v", name, err)
	}
	t.Cleanup(func() { m.Close(context.Background()) })
	return m
}

func mustRun(t testing.TB, r *Runtime, m *Module, cfg Config) Result {
	t.Helper()
	res, err := r.Run(context.Background(), m, cfg)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res
}

func TestRunHello(t *testing.T) {
	r := newRuntime(t, Options{})
	m := mustBuild(t, r, "hello")
	res := mustRun(t, r, m, NewConfig().WithStdin([]byte(`{"name":"world"}`)))
	want := Result{Stdout: []byte(`{"greeting":"hello, world"}` + "\n")}
	if diff := cmp.Diff(want, res, cmpopts.IgnoreFields(Result{}, "Wall", "PeakMemoryPages"), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("result mismatch (-want +got):\n%s", diff)
	}
	if !res.OK() {
		t.Errorf("OK() = false for %+v", res)
	}
}

func TestRunFailures(t *testing.T) {
	for _, engine := range []Engine{EngineInterpreter, EngineCompiler} {
		t.Run(string(engine), func(t *testing.T) {
			testRunFailures(t, newRuntime(t, Options{Engine: engine, CacheDir: t.TempDir()}))
		})
	}
}

func testRunFailures(t *testing.T, r *Runtime) {
	tests := []struct {
		name       string
		guest      string
		wasm       []byte
		cfg        Config
		wantReason Reason
		wantExit   uint32
		wantStderr string
		maxWall    time.Duration
	}{
		{
			name:       "infinite loop stops at the timeout",
			guest:      "loop",
			cfg:        NewConfig().WithTimeout(500 * time.Millisecond),
			wantReason: ReasonTimeout,
			maxWall:    1500 * time.Millisecond,
		},
		{
			name:       "memory bomb stops at the memory limit",
			guest:      "membomb",
			cfg:        NewConfig().WithMemoryLimit(32 << 20),
			wantReason: ReasonOutOfMemory,
			wantExit:   2,
			wantStderr: "out of memory",
		},
		{
			name:       "panic is a non-zero exit",
			guest:      "panics",
			cfg:        NewConfig(),
			wantReason: ReasonExit,
			wantExit:   2,
			wantStderr: "panic: assignment to entry in nil map",
		},
		{
			name:       "unreachable is a trap",
			wasm:       wasmModule(0, false),
			cfg:        NewConfig(),
			wantReason: ReasonTrap,
		},
		{
			name:       "declared memory over the limit is out of memory",
			wasm:       wasmModule(3, false),
			cfg:        NewConfig().WithMemoryLimit(2 * pageSize),
			wantReason: ReasonOutOfMemory,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m *Module
			if tt.wasm != nil {
				var err error
				if m, err = r.Load(context.Background(), tt.wasm); err != nil {
					t.Fatal(err)
				}
				defer m.Close(context.Background())
			} else {
				m = mustBuild(t, r, tt.guest)
			}
			res := mustRun(t, r, m, tt.cfg)
			if res.Reason != tt.wantReason || res.ExitCode != tt.wantExit {
				t.Errorf("reason %q exit %d, want %q exit %d (detail %q, stderr %q)",
					res.Reason, res.ExitCode, tt.wantReason, tt.wantExit, res.Detail, res.Stderr)
			}
			if res.Detail == "" {
				t.Errorf("empty Detail for reason %q", res.Reason)
			}
			if !strings.Contains(string(res.Stderr), tt.wantStderr) {
				t.Errorf("stderr %q does not contain %q", res.Stderr, tt.wantStderr)
			}
			if tt.maxWall > 0 && res.Wall > tt.maxWall {
				t.Errorf("wall %v, want at most %v", res.Wall, tt.maxWall)
			}
			// The runtime stays usable after any guest failure.
			hello := mustBuild(t, r, "hello")
			if after := mustRun(t, r, hello, NewConfig().WithStdin([]byte(`{"name":"again"}`))); !after.OK() {
				t.Errorf("run after failure: %+v", after)
			}
		})
	}
}

func TestRunOutputLimit(t *testing.T) {
	r := newRuntime(t, Options{})
	m := mustBuild(t, r, "flood")
	const limit = 4096
	res := mustRun(t, r, m, NewConfig().WithOutputLimit(limit).WithTimeout(5*time.Second))
	if res.Reason != ReasonOutputLimit {
		t.Errorf("reason %q, want %q (detail %q)", res.Reason, ReasonOutputLimit, res.Detail)
	}
	if !res.StdoutTruncated || res.StderrTruncated {
		t.Errorf("truncated stdout %v stderr %v, want true false", res.StdoutTruncated, res.StderrTruncated)
	}
	if len(res.Stdout) != limit {
		t.Errorf("kept %d bytes of stdout, want %d", len(res.Stdout), limit)
	}
	if !bytes.HasPrefix(res.Stdout, []byte("flooding the output")) {
		t.Errorf("stdout starts %q, want the guest's first line", res.Stdout[:min(len(res.Stdout), 40)])
	}
}

func TestRunCannotReachHost(t *testing.T) {
	const secret = "asi-test-secret-value-4d1f"
	t.Setenv("ASI_TEST_SECRET", secret)
	passwd, err := os.ReadFile("/etc/passwd")
	if err != nil {
		testenv.Skipf(t, "no /etc/passwd to compare with: %v", err)
	}
	firstLine, _, _ := strings.Cut(string(passwd), "\n")
	os.Remove("/tmp/asi-sandbox-escape")

	r := newRuntime(t, Options{})
	m := mustBuild(t, r, "escape")
	res := mustRun(t, r, m, NewConfig())
	out := string(res.Stdout)
	for _, want := range []string{
		"read /etc/passwd error:",
		"read ../../etc/passwd error:",
		"readdir / error:",
		"environ: []",
		`args: ["guest"]`,
		"write error:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, firstLine) || strings.Contains(out, secret) {
		t.Errorf("host data reached the guest:\n%s", out)
	}
	if _, err := os.Stat("/tmp/asi-sandbox-escape"); err == nil {
		t.Error("guest wrote a host file")
	}
}

func TestRunConcurrent(t *testing.T) {
	r := newRuntime(t, Options{})
	m := mustBuild(t, r, "echo")
	const n = 10
	got := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			cfg := NewConfig().WithArgs(fmt.Sprint("run", i)).WithStdin([]byte(strings.Repeat("x", i)))
			res, err := r.Run(context.Background(), m, cfg)
			if err == nil && !res.OK() {
				err = fmt.Errorf("%s: %s", res.Reason, res.Detail)
			}
			got[i], errs[i] = string(res.Stdout), err
		})
	}
	wg.Wait()
	for i := range n {
		want := fmt.Sprintf("run%d:%s", i, strings.Repeat("x", i))
		if errs[i] != nil || got[i] != want {
			t.Errorf("run %d: got %q, %v; want %q", i, got[i], errs[i], want)
		}
	}
}

func TestBuildGoCompileError(t *testing.T) {
	r := newRuntime(t, Options{})
	tests := []struct {
		name   string
		source []byte
		want   string
	}{
		{name: "undefined name", source: guest(t, "broken"), want: "main.go:6:14: undefined: undefinedName"},
		{name: "syntax error", source: []byte("package main\n\nfunc main() {\n"), want: "main.go:4:1: syntax error"},
		{name: "not package main", source: []byte("package circles\n\nfunc F() {}\n"), want: "package circles: a program must be package main"},
		{name: "no main function", source: []byte("package main\n\nfunc F() {}\n"), want: "function main is undeclared"},
		{name: "module outside the standard library", source: []byte("package main\n\nimport \"example.com/x\"\n\nfunc main() { x.F() }\n"), want: "example.com/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.BuildGo(context.Background(), tt.source)
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *CompileError", err)
			}
			if !strings.Contains(ce.Output, tt.want) {
				t.Errorf("output %q lacks %q", ce.Output, tt.want)
			}
			if strings.Contains(ce.Output, os.TempDir()) || strings.Contains(ce.Output, "asi-gobuild-") {
				t.Errorf("output shows the build directory: %q", ce.Output)
			}
		})
	}
}

func TestBuildGoCache(t *testing.T) {
	dir := t.TempDir()
	src := guest(t, "echo")
	r := newRuntime(t, Options{CacheDir: dir})
	first := mustBuild(t, r, "echo")
	second := mustBuild(t, r, "echo")
	if first.BuildCached() || !second.BuildCached() {
		t.Errorf("cached first %v second %v, want false true", first.BuildCached(), second.BuildCached())
	}
	if n := r.builds.Load(); n != 1 {
		t.Errorf("go build ran %d times, want 1", n)
	}

	// A later process with the same cache directory builds nothing.
	later := newRuntime(t, Options{CacheDir: dir})
	m, err := later.BuildGo(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background())
	if !m.BuildCached() || later.builds.Load() != 0 {
		t.Errorf("cached %v after %d builds, want true after 0", m.BuildCached(), later.builds.Load())
	}
	res := mustRun(t, later, m, NewConfig().WithArgs("a").WithStdin([]byte("b")))
	if string(res.Stdout) != "a:b" {
		t.Errorf("cached module printed %q, want %q", res.Stdout, "a:b")
	}

	// Different source misses.
	other := append(slices.Clone(src), "\n// changed\n"...)
	m2, err := later.BuildGo(context.Background(), other)
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close(context.Background())
	if m2.BuildCached() {
		t.Error("changed source was served from the cache")
	}
}

func TestBuildGoCancelled(t *testing.T) {
	r := newRuntime(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := r.BuildGo(ctx, guest(t, "hello"))
	var ce *CompileError
	if err == nil || errors.As(err, &ce) {
		t.Errorf("err = %v, want a host error for the cancelled context", err)
	}
}

func TestRunCancelledIsHostError(t *testing.T) {
	r := newRuntime(t, Options{})
	m := mustBuild(t, r, "loop")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := r.Run(ctx, m, NewConfig())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the caller's context error", err)
	}
}

func TestLoadRefusesOtherImports(t *testing.T) {
	r := newRuntime(t, Options{})
	_, err := r.Load(context.Background(), wasmModule(0, true))
	if !errors.Is(err, ErrUnsupportedImport) {
		t.Errorf("err = %v, want ErrUnsupportedImport", err)
	}
}

func TestClosedRuntime(t *testing.T) {
	r := newRuntime(t, Options{})
	m, err := r.Load(context.Background(), wasmModule(0, false))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Run(context.Background(), m, NewConfig()); !errors.Is(err, ErrClosed) {
		t.Errorf("Run err = %v, want ErrClosed", err)
	}
	if _, err := r.Load(context.Background(), wasmModule(0, false)); !errors.Is(err, ErrClosed) {
		t.Errorf("Load err = %v, want ErrClosed", err)
	}
	if _, err := r.BuildGo(context.Background(), guest(t, "hello")); !errors.Is(err, ErrClosed) {
		t.Errorf("BuildGo err = %v, want ErrClosed", err)
	}
}

func TestUnknownEngine(t *testing.T) {
	if r, err := NewRuntime(context.Background(), Options{Engine: "jit"}); err == nil {
		r.Close(context.Background())
		t.Error("unknown engine accepted")
	}
}

// TestSleepPastDeadlineWithoutChecks runs a sleeping guest the way a worker
// does, with no termination checks: only the sleep can end it. Asleep at
// its deadline, it must end there as a timeout, not wake and exit cleanly
// (in a worker that clean exit could reach the parent before its kill, and
// a timeout passed for a success on a loaded machine).
func TestSleepPastDeadlineWithoutChecks(t *testing.T) {
	r := newRuntime(t, Options{Engine: EngineCompiler, worker: workerChild})
	ctx := context.Background()
	m, err := r.BuildGo(ctx, []byte("package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() {\n\ttime.Sleep(time.Hour)\n\tfmt.Println(\"woke\")\n}\n"))
	if errors.Is(err, ErrNoGoToolchain) {
		testenv.Skipf(t, "%v: install Go 1.26", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		res Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := r.Run(ctx, m, NewConfig().WithTimeout(300*time.Millisecond))
		done <- outcome{res, err}
	}()
	var res Result
	select {
	case o := <-done:
		if o.err != nil {
			t.Fatal(o.err)
		}
		res = o.res
	case <-time.After(time.Minute): // a hang guard, not a speed check
		t.Fatal("a guest asleep at its deadline was still running a minute later: the sleep woke it instead of stopping it")
	}
	if res.Reason != ReasonTimeout || len(res.Stdout) > 0 {
		t.Errorf("reason %q, exit %d, stdout %q; want a timeout with no output", res.Reason, res.ExitCode, res.Stdout)
	}
}
