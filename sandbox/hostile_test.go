package sandbox

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asi-evolve/asi/internal/testenv"
)

var hostileOnly = flag.String("hostile", "", "run only the attacks whose lang/name contains this")

// hostileCase is what one attack in testdata/hostile must end with.
type hostileCase struct {
	reason Reason
	exit   uint32
	// compileErr: Prepare must refuse the source with a *CompileError
	// whose output contains it.
	compileErr string
	stdout     string // must appear in stdout
	detail     string // must appear in Detail
	timeout    time.Duration
}

// hostileCases lists every file of testdata/hostile: a file without an
// entry fails the test, so no attack goes unchecked.
var hostileCases = map[string]hostileCase{
	"go/loop":              {reason: ReasonTimeout},
	"go/membomb":           {reason: ReasonOutOfMemory, exit: 2},
	"go/recursion":         {reason: ReasonOutOfMemory, exit: 2},
	"go/flood":             {reason: ReasonOutputLimit},
	"go/stderrflood":       {reason: ReasonOutputLimit},
	"go/passwd":            {reason: ReasonOK},
	"go/symlink":           {reason: ReasonOK},
	"go/writemount":        {reason: ReasonOK},
	"go/socket":            {reason: ReasonOK},
	"go/env":               {reason: ReasonOK},
	"go/clock":             {reason: ReasonTimeout},
	"go/sleep":             {reason: ReasonTimeout},
	"go/panic":             {reason: ReasonExit, exit: 2, detail: "exit code 2"},
	"go/goroutines":        {reason: ReasonOutOfMemory, timeout: 5 * time.Second}, // thousands of goroutines take a while to start
	"go/fakeexit":          {reason: ReasonExit, exit: 0xefffffff},
	"go/fdbomb":            {reason: ReasonExit, exit: 3, stdout: fmt.Sprintf("open failed after %d files", maxOpenFiles-1)}, // the mount itself is one
	"go/bigalloc":          {reason: ReasonOutOfMemory, exit: 2},
	"javascript/loop":      {reason: ReasonTimeout},
	"javascript/membomb":   {reason: ReasonOutOfMemory, exit: 2},
	"javascript/recursion": {reason: ReasonExit, exit: 1, detail: "exit code 1", timeout: 5 * time.Second}, // 10,000 frames take about 1.5s
	"javascript/flood":     {reason: ReasonOutputLimit},
	"javascript/passwd":    {reason: ReasonOK},
	"javascript/clock":     {reason: ReasonTimeout},
	"javascript/panic":     {reason: ReasonExit, exit: 1},
	"javascript/syntax":    {reason: ReasonCompile, exit: javascriptCompileExit, detail: "Unexpected token"},
	"javascript/escape":    {reason: ReasonOK},
	"javascript/regex":     {reason: ReasonTimeout},
	"c/loop":               {reason: ReasonTimeout},
	"c/membomb":            {reason: ReasonOutOfMemory},
	"c/recursion":          {reason: ReasonTrap, detail: "wasm stack trace"},
	"c/flood":              {reason: ReasonOutputLimit},
	"c/passwd":             {reason: ReasonOK},
	"c/writemount":         {reason: ReasonOK},
	"c/env":                {reason: ReasonOK},
	"c/clock":              {reason: ReasonTimeout},
	"c/sleep":              {reason: ReasonTimeout},
	"c/panic":              {reason: ReasonTrap, detail: "unreachable"},
	"c/wildpointer":        {reason: ReasonTrap, detail: "out of bounds memory access"},
	"c/include":            {compileErr: "/etc/passwd"},
	"c/includehosts":       {compileErr: "/etc/"},
	"c/incbin":             {compileErr: "inline assembly is not allowed"},
	"c/embed":              {compileErr: "#embed is not allowed"},
}

// hostileFiles returns "lang/name" -> path for every attack on disk.
func hostileFiles(t testing.TB) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "hostile", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range paths {
		lang := filepath.Base(filepath.Dir(p))
		if lang == "python" { // python's attacks have their own test
			continue
		}
		name := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
		out[lang+"/"+name] = p
	}
	return out
}

// hostileHost is the host side of the attacks: a secret in the
// environment, a mounted directory with links out of it, a listener.
type hostileHost struct {
	secret    string
	passwd    string // the first line of /etc/passwd
	dataDir   string
	listener  net.Listener
	accepted  atomic.Int64
	acceptErr chan error
}

const hostileSecret = "sk-asi-hostile-test-4f1d9c"

func newHostileHost(t *testing.T) *hostileHost {
	t.Setenv("ASI_TEST_API_KEY", hostileSecret)
	h := &hostileHost{secret: hostileSecret, dataDir: t.TempDir()}
	if b, err := os.ReadFile("/etc/passwd"); err == nil {
		h.passwd, _, _ = strings.Cut(string(b), "\n")
	}
	if err := os.WriteFile(filepath.Join(h.dataDir, "input.txt"), []byte("original"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"link-to-passwd": "/etc/passwd", "link-to-root": "/"} {
		if err := os.Symlink(target, filepath.Join(h.dataDir, link)); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.listener = l
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			h.accepted.Add(1)
			c.Close()
		}
	}()
	return h
}

// config is the limits every attack runs under.
func (h *hostileHost) config() Config {
	return NewConfig().
		WithTimeout(time.Second).
		WithMemoryLimit(32<<20).
		WithOutputLimit(64<<10).
		WithReadOnlyMount(h.dataDir, "/data").
		WithArgs(h.listener.Addr().String())
}

// checkContained fails the test if anything of the host reached the guest.
func (h *hostileHost) checkContained(t *testing.T, res Result) {
	t.Helper()
	out := string(res.Stdout) + string(res.Stderr) + res.Detail
	if strings.Contains(out, "ESCAPED") {
		t.Errorf("the guest got out:\n%s", out)
	}
	if strings.Contains(out, h.secret) {
		t.Errorf("the host's secret reached the guest:\n%s", out)
	}
	if h.passwd != "" && strings.Contains(out, h.passwd) {
		t.Errorf("/etc/passwd reached the guest:\n%s", out)
	}
}

// checkHost fails if the mounted directory changed or the listener was
// reached.
func (h *hostileHost) checkHost(t *testing.T) {
	t.Helper()
	entries, err := os.ReadDir(h.dataDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"input.txt", "link-to-passwd", "link-to-root"}; !slices.Equal(names, want) {
		t.Errorf("mounted directory holds %q, want %q", names, want)
	}
	if b, err := os.ReadFile(filepath.Join(h.dataDir, "input.txt")); err != nil || string(b) != "original" {
		t.Errorf("mounted file = %q, %v; want it unchanged", b, err)
	}
	if fi, err := os.Stat(filepath.Join(h.dataDir, "input.txt")); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mounted file's mode changed: %v, %v", fi.Mode(), err)
	}
	if n := h.accepted.Load(); n != 0 {
		t.Errorf("the listener accepted %d connections, want 0", n)
	}
}

// hostileRuntime is one runtime for every attack, as a campaign has. It
// compiles to machine code, so that attacks reach their limits within
// their timeout; the persistent cache makes later test runs fast.
func hostileRuntime(t testing.TB) *Runtime {
	return newRuntime(t, Options{CacheDir: CacheDir(), Engine: EngineCompiler})
}

// TestHostile runs every attack in both places a compiled guest runs: in
// process, stopped by wazero's checks, and in a worker process, killed.
func TestHostile(t *testing.T) {
	for _, m := range workerModes {
		t.Run(m.name, func(t *testing.T) {
			testHostile(t, newRuntime(t, Options{CacheDir: CacheDir(), Engine: EngineCompiler, worker: m.mode}))
		})
	}
}

func testHostile(t *testing.T, r *Runtime) {
	files := hostileFiles(t)
	for key := range hostileCases {
		if _, ok := files[key]; !ok {
			t.Errorf("case %s has no file in testdata/hostile", key)
		}
	}
	h := newHostileHost(t)
	goroutines := runtime.NumGoroutine()
	for _, key := range slices.Sorted(maps.Keys(files)) {
		t.Run(key, func(t *testing.T) {
			if *hostileOnly != "" && !strings.Contains(key, *hostileOnly) {
				t.Skip("not selected by -hostile")
			}
			tc, ok := hostileCases[key]
			if !ok {
				t.Fatalf("no expected outcome for %s: add it to hostileCases", files[key])
			}
			lang, _, _ := strings.Cut(key, "/")
			src, err := os.ReadFile(files[key])
			if err != nil {
				t.Fatal(err)
			}
			p, err := r.Prepare(context.Background(), lang, map[string][]byte{filepath.Base(files[key]): src})
			if errors.Is(err, ErrToolchainMissing) {
				testenv.Skipf(t, "%v: run scripts/ci/install-sandbox.sh", err)
			}
			if tc.compileErr != "" {
				var ce *CompileError
				if !errors.As(err, &ce) {
					p.Close()
					t.Fatalf("Prepare err = %v, want a *CompileError", err)
				}
				if !strings.Contains(ce.Output, tc.compileErr) {
					t.Errorf("compile error %q lacks %q", ce.Output, tc.compileErr)
				}
				if h.passwd != "" && strings.Contains(ce.Output, h.passwd) {
					t.Errorf("the compile error shows /etc/passwd:\n%s", ce.Output)
				}
				if hosts, err := os.ReadFile("/etc/hosts"); err == nil {
					for line := range strings.SplitSeq(string(hosts), "\n") {
						if len(line) > 8 && strings.Contains(ce.Output, line) {
							t.Errorf("the compile error shows /etc/hosts line %q:\n%s", line, ce.Output)
						}
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Prepare: %v", err)
			}
			defer p.Close()
			cfg := h.config()
			if tc.timeout > 0 {
				cfg = cfg.WithTimeout(tc.timeout)
			}
			res, err := r.RunProgram(context.Background(), p, cfg)
			if err != nil {
				t.Fatalf("RunProgram: %v", err)
			}
			// A guest out of memory may or may not have exited by itself.
			exitMatters := tc.reason != ReasonOutOfMemory
			if res.Reason != tc.reason || (exitMatters && res.ExitCode != tc.exit) {
				t.Errorf("reason %q exit %#x, want %q exit %#x\ndetail: %s\nstdout: %.300s\nstderr: %.600s",
					res.Reason, res.ExitCode, tc.reason, tc.exit, res.Detail, res.Stdout, res.Stderr)
			}
			if (res.Reason == ReasonOK) != (res.Detail == "") {
				t.Errorf("reason %q with detail %q", res.Reason, res.Detail)
			}
			if !strings.Contains(res.Detail, tc.detail) {
				t.Errorf("detail %q lacks %q", res.Detail, tc.detail)
			}
			if !strings.Contains(string(res.Stdout), tc.stdout) {
				t.Errorf("stdout %.300q lacks %q", res.Stdout, tc.stdout)
			}
			// Every run ends near its deadline at the latest, sleepers too.
			if limit := cfg.Timeout() + time.Second; res.Wall > limit {
				t.Errorf("wall %v, want at most %v", res.Wall, limit)
			}
			if peak := uint64(res.PeakMemoryPages) * pageSize; peak > cfg.MemoryLimit() {
				t.Errorf("peak memory %d over the limit %d", peak, cfg.MemoryLimit())
			}
			h.checkContained(t, res)
		})
	}
	h.checkHost(t)
	// The host is healthy: it still runs a guest, and no goroutine of the
	// attacks is left behind.
	p, err := r.Prepare(context.Background(), "go", map[string][]byte{"main.go": guest(t, "hello")})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if res, err := r.RunProgram(context.Background(), p, NewConfig().WithStdin([]byte(`{"name":"x"}`))); err != nil || !res.OK() {
		t.Errorf("run after the attacks: %+v, %v", res, err)
	}
	if after := runtime.NumGoroutine(); after > goroutines+5 {
		t.Errorf("%d goroutines after the attacks, %d before", after, goroutines)
	}
}

// TestHostileNoLeak runs 1,000 attacks back to back in one runtime and
// checks that neither goroutines nor the heap grew.
func TestHostileNoLeak(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 runs; skipped with -short")
	}
	h := newHostileHost(t)
	r := newRuntime(t, Options{CacheDir: CacheDir(), Engine: EngineCompiler})
	files := hostileFiles(t)
	type attack struct {
		p   *Program
		cfg Config
	}
	var attacks []attack
	base := h.config().WithTimeout(50 * time.Millisecond).WithMemoryLimit(16 << 20).WithOutputLimit(4 << 10)
	for _, key := range []string{"go/panic", "go/flood", "go/fakeexit", "go/passwd", "go/fdbomb", "go/loop", "go/membomb", "go/sleep", "javascript/panic", "c/wildpointer", "c/membomb"} {
		lang, _, _ := strings.Cut(key, "/")
		src, err := os.ReadFile(files[key])
		if err != nil {
			t.Fatal(err)
		}
		p, err := r.Prepare(context.Background(), lang, map[string][]byte{filepath.Base(files[key]): src})
		if errors.Is(err, ErrToolchainMissing) {
			t.Logf("without %s: %v", key, err)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		defer p.Close()
		attacks = append(attacks, attack{p, base})
	}
	trap, err := r.Load(context.Background(), wasmModule(1, false))
	if err != nil {
		t.Fatal(err)
	}
	defer trap.Close(context.Background())
	attacks = append(attacks, attack{&Program{Module: trap}, base})

	var runs atomic.Int64
	run := func(n int) {
		var wg sync.WaitGroup
		var next atomic.Int64
		for range 2 {
			wg.Go(func() {
				for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
					a := attacks[i%len(attacks)]
					res, err := r.RunProgram(context.Background(), a.p, a.cfg)
					if err != nil {
						t.Errorf("run %d: %v", i, err)
						return
					}
					if strings.Contains(string(res.Stdout), "ESCAPED") {
						t.Errorf("run %d got out: %s", i, res.Stdout)
					}
					runs.Add(1)
				}
			})
		}
		wg.Wait()
	}
	run(2 * len(attacks)) // warm up: caches, pools, the runtime's own goroutines
	goroutines, heap := runtime.NumGoroutine(), heapInUse()
	start := time.Now()
	run(1000)
	elapsed := time.Since(start)
	goroutinesAfter, heapAfter := runtime.NumGoroutine(), heapInUse()
	if n := runs.Load(); n != 1000+2*int64(len(attacks)) {
		t.Fatalf("%d runs completed", n)
	}
	t.Logf("1000 runs in %v; goroutines %d -> %d; heap in use %.1f -> %.1f MiB",
		elapsed, goroutines, goroutinesAfter, float64(heap)/(1<<20), float64(heapAfter)/(1<<20))
	if goroutinesAfter > goroutines+10 {
		t.Errorf("goroutines grew from %d to %d", goroutines, goroutinesAfter)
	}
	if heapAfter > heap+20<<20 {
		t.Errorf("heap in use grew from %d to %d bytes", heap, heapAfter)
	}
	h.checkHost(t)
}

func heapInUse() uint64 {
	var ms runtime.MemStats
	for range 2 {
		runtime.GC()
	}
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}
